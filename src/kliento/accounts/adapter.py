"""allauth adapter: brute-force limits that cannot lock a person out, logs without secrets."""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger("kliento.accounts.security")


def login_fingerprint(login: str) -> str:
    """A keyed, truncated hash of a login identifier: lets an operator correlate log lines
    about one account without the log holding the e-mail address (personal data)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), login.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed logins per account ("key") across all addresses, which
        # lets anyone lock a person out by failing on purpose. Counting per (address,
        # account) keeps the brute-force limit without that lever; the per-address limit
        # still stops one address from trying many accounts.
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_ip(request)}:{key}"

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        # Same line for unknown accounts and wrong passwords; never the password itself.
        login = str(credentials.get("email") or credentials.get("username") or "")
        logger.warning("login failed ip=%s account=%s", get_ip(request), login_fingerprint(login))


def user_display(user: Any) -> str:
    """How allauth names a person on its pages ("signed in as ..."): their e-mail address,
    never the internal id."""
    return str(getattr(user, "email", "") or "")
