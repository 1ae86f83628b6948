"""Merchant API authentication.

A terminal token names one terminal at one premises: it checks in and reads. An
integration token (sharing.Integration) names a merchant, not a premises: it reads the
merchant's customers and visits, and is refused where a premises is needed (check-in).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _

from kliento.accounts.api_auth import BearerToken
from kliento.accounts.models import ApiToken
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.merchants.models import Integration, Merchant, Terminal


def _invalid() -> DomainError:
    return DomainError(ErrorCode.INVALID_TOKEN, _("The token is unknown, expired or revoked."))


def _terminal(api_token: ApiToken) -> Terminal:
    terminal = (
        Terminal.objects.select_related("premises__merchant")
        .filter(token=api_token, revoked_at__isnull=True)
        .first()
    )
    if terminal is None:
        raise _invalid()
    return terminal


class TerminalToken(BearerToken):
    """``Authorization: Bearer <terminal token>``; ``request.auth`` is the Terminal."""

    kinds = (ApiToken.Kind.TERMINAL, ApiToken.Kind.INTEGRATION)

    def authenticate(self, request: HttpRequest, token: str) -> Terminal:  # type: ignore[override]
        api_token = super().authenticate(request, token)
        if api_token.kind == ApiToken.Kind.INTEGRATION:
            raise DomainError(
                ErrorCode.PERMISSION_DENIED,
                _("An integration token can only read. Use a terminal token here."),
            )
        return _terminal(api_token)


@dataclass(frozen=True)
class MerchantClient:
    """Who reads the merchant's data over the API: one of its terminals or integrations."""

    merchant: Merchant
    terminal: Terminal | None = None
    integration: Integration | None = None

    def actor(self, request: HttpRequest) -> Actor:
        if self.terminal is not None:
            return Actor.terminal(
                str(self.terminal.public_id), merchant_id=str(self.merchant.public_id),
                premises_id=str(self.terminal.premises.public_id), request=request,
            )  # fmt: skip
        assert self.integration is not None  # noqa: S101 (one of the two is always set)
        return Actor.integration(
            str(self.integration.public_id), merchant_id=str(self.merchant.public_id),
            name=self.integration.name, request=request,
        )  # fmt: skip


class MerchantReadToken(BearerToken):
    """A terminal or integration token; ``request.auth`` is a :class:`MerchantClient`."""

    kinds = (ApiToken.Kind.TERMINAL, ApiToken.Kind.INTEGRATION)

    def authenticate(self, request: HttpRequest, token: str) -> MerchantClient:  # type: ignore[override]
        api_token = super().authenticate(request, token)
        if api_token.kind == ApiToken.Kind.TERMINAL:
            terminal = _terminal(api_token)
            return MerchantClient(merchant=terminal.premises.merchant, terminal=terminal)
        integration = (
            Integration.objects.select_related("merchant")
            .filter(token=api_token, revoked_at__isnull=True)
            .first()
        )
        if integration is None:
            raise _invalid()
        return MerchantClient(merchant=integration.merchant, integration=integration)


terminal_auth = TerminalToken()
merchant_read_auth = MerchantReadToken()
