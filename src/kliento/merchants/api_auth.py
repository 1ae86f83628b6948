"""Terminal authentication: a terminal token names one terminal at one premises."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from kliento.accounts.api_auth import BearerToken
from kliento.accounts.models import ApiToken
from kliento.common.errors import DomainError, ErrorCode
from kliento.merchants.models import Terminal


class TerminalToken(BearerToken):
    """``Authorization: Bearer <terminal token>``; ``request.auth`` is the Terminal."""

    kinds = (ApiToken.Kind.TERMINAL,)

    def authenticate(self, request: HttpRequest, token: str) -> Terminal:  # type: ignore[override]
        api_token = super().authenticate(request, token)
        terminal = (
            Terminal.objects.select_related("premises__merchant")
            .filter(token=api_token, revoked_at__isnull=True)
            .first()
        )
        if terminal is None:
            raise DomainError(
                ErrorCode.INVALID_TOKEN, _("The token is unknown, expired or revoked.")
            )
        return terminal


terminal_auth = TerminalToken()
