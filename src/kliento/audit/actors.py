"""Who is acting: every service that touches personal data takes an ``actor``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import get_adapter

from kliento.audit.models import ActorKind

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kliento.accounts.models import User


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    ip: str | None = get_adapter().get_client_ip(request)
    return ip


@dataclass(frozen=True)
class Actor:
    """The one doing something: its kind, its id, the role it acts in, and from where."""

    kind: ActorKind
    id: str
    role: str = ""
    via: str = "web"
    ip_address: str | None = None
    user: User | None = field(default=None, compare=False, repr=False)
    context: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def person(cls, user: User, request: HttpRequest | None = None, *, via: str = "web") -> Actor:
        """The person acting on their own data (their id is their login's public id)."""
        return cls(ActorKind.PERSON, str(user.public_id), "", via, _client_ip(request), user)

    @classmethod
    def staff(cls, user: User, role: str, request: HttpRequest | None = None) -> Actor:
        """A register holder's staff member acting in ``role``."""
        return cls(ActorKind.STAFF, str(user.public_id), role, "web", _client_ip(request), user)

    @classmethod
    def merchant_staff(
        cls,
        user: User,
        *,
        role: str,
        merchant_id: str,
        premises_id: str | None,
        request: HttpRequest | None = None,
    ) -> Actor:
        """A merchant's owner, manager or cashier, acting for that merchant."""
        context = {"merchant": merchant_id, "premises": premises_id}
        return cls(
            ActorKind.MERCHANT_STAFF, str(user.public_id), role, "web", _client_ip(request),
            user, context,
        )  # fmt: skip

    @classmethod
    def terminal(
        cls,
        terminal_id: str,
        *,
        merchant_id: str,
        premises_id: str,
        request: HttpRequest | None = None,
    ) -> Actor:
        """A terminal (till, reader) authenticated by its token."""
        context = {"merchant": merchant_id, "premises": premises_id}
        return cls(
            ActorKind.TERMINAL, terminal_id, "terminal", "api", _client_ip(request), None, context
        )

    @classmethod
    def integration(
        cls,
        integration_id: str,
        *,
        merchant_id: str,
        name: str,
        request: HttpRequest | None = None,
    ) -> Actor:
        """A merchant's integration (read-only API client bound to the merchant, not to a
        premises). Recorded as a machine client of the merchant in the role "integration"."""
        context = {"merchant": merchant_id, "premises": None, "integration": name}
        return cls(
            ActorKind.TERMINAL, integration_id, "integration", "api", _client_ip(request), None,
            context,
        )  # fmt: skip

    @classmethod
    def system(cls, name: str) -> Actor:
        """The service itself: a command, a scheduled task, a migration."""
        return cls(ActorKind.SYSTEM, name, "", "system")

    def is_user(self, user: User | None) -> bool:
        return user is not None and self.kind == ActorKind.PERSON and self.id == str(user.public_id)


def require_actor(actor: object) -> Actor:
    """Fail loudly when a service is called without a real actor."""
    if not isinstance(actor, Actor):
        raise TypeError(f"a service needs actor=Actor(...), got {actor!r}")
    return actor
