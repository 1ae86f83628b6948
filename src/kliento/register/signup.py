"""Sign-up creates the person's register entry: allauth's adapter, extended by the register.

The accounts app sits below the register and knows nothing of subjects; settings name this
subclass as ``ACCOUNT_ADAPTER``, so every sign-up path goes through it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kliento.accounts.adapter import AccountAdapter
from kliento.audit.actors import Actor
from kliento.register.services import subject_create


class RegisterAccountAdapter(AccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # Every person gets their register subject (and data key) at sign-up, in the
        # person's own name, so the audit log shows who created it.
        # register.services.subject_of() still creates one lazily for older logins.
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            subject_create(user=user, actor=Actor.person(user, request))
        return user
