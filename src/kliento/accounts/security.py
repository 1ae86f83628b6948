"""Log lines for refused account input: wrong two-factor codes, expired or reused links.

Each line says what was refused and from which address, and names the account only by
its keyed fingerprint; never the code, the link's key or the e-mail address.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account import views as account_views
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from kliento.accounts.adapter import login_fingerprint

logger = logging.getLogger("kliento.accounts.security")


def mfa_code_refused(
    sender: type[Authenticator],
    request: HttpRequest | None,
    user: Any,
    authenticator: Authenticator,
    reauthentication: bool = False,
    **kwargs: Any,
) -> None:
    logger.warning(
        "two-factor code refused ip=%s account=%s method=%s reauthentication=%s",
        get_ip(request) if request is not None else "-",
        login_fingerprint(getattr(user, "email", "") or ""),
        authenticator.type,
        reauthentication,
    )


def connect() -> None:
    mfa_signals.authentication_failed.connect(
        mfa_code_refused, sender=Authenticator, dispatch_uid="kliento-mfa-code-refused"
    )


class ConfirmEmailView(account_views.ConfirmEmailView):
    """allauth's confirmation page; an expired, used or made-up link is logged."""

    def get_object(self, queryset: QuerySet[Any] | None = None) -> Any:
        try:
            return super().get_object(queryset)
        except Http404:
            logger.info(
                "e-mail confirmation refused: link expired, used or unknown ip=%s",
                get_ip(self.request),
            )
            raise

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        # allauth answers a refused link with a 404, and Django's request log then
        # writes the path, key and all; the same "expired or invalid" page as GET instead.
        try:
            return super().post(*args, **kwargs)
        except Http404:
            self.object = None
            return self.render_to_response(self.get_context_data())


class PasswordResetFromKeyView(account_views.PasswordResetFromKeyView):
    """allauth's reset page; an expired, used or made-up link is logged."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if kwargs.get("token_fail"):
            logger.info(
                "password reset refused: link expired, used or unknown ip=%s",
                get_ip(self.request),
            )
        return super().get_context_data(**kwargs)
