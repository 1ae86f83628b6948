"""A merchant's integrations: read-only API tokens bound to the merchant (ADR 0015).

Owners and managers create and revoke them; the token is returned once. An integration
reads the merchant's customers and visits (``merchant_read_auth``) and cannot check in.
"""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.accounts.models import ApiToken, User
from kliento.accounts.tokens import token_create, token_revoke
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.common.errors import DomainError, ErrorCode
from kliento.merchants.models import Integration, Membership
from kliento.merchants.services import require_active, require_manager


def integrations_for(*, membership: Membership) -> QuerySet[Integration]:
    """The merchant's integrations, usable ones first."""
    return (
        Integration.objects.filter(merchant=membership.merchant)
        .select_related("token")
        .order_by("revoked_at", "name", "pk")
    )


def integration_of(*, membership: Membership, integration_id: UUID) -> Integration:
    """One of the merchant's integrations, or 404 (another merchant's too)."""
    found = integrations_for(membership=membership).filter(public_id=integration_id).first()
    if found is None:
        raise Http404
    return found


def _acting_user(actor: Actor) -> User:
    if actor.user is None:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only a signed-in member may do this."))
    return actor.user


@transaction.atomic
def integration_create(
    *, membership: Membership, name: str, actor: Actor
) -> tuple[Integration, str]:
    """An integration of the member's merchant and its token (shown once)."""
    require_actor(actor)
    require_manager(membership)
    require_active(membership.merchant)
    _acting_user(actor)  # a signed-in member, never a terminal
    clean = name.strip()
    if not clean:
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("Give the integration a name."),
            details={"field": "name"},
        )
    if Integration.objects.filter(
        merchant=membership.merchant, name=clean, revoked_at__isnull=True
    ).exists():
        raise DomainError(
            ErrorCode.NAME_TAKEN,
            _("An integration with this name exists. Choose another name."),
            details={"field": "name"},
        )
    token, plaintext = token_create(
        kind=ApiToken.Kind.INTEGRATION, name=f"integration: {clean}", actor=actor
    )
    integration = Integration.objects.create(merchant=membership.merchant, name=clean, token=token)
    audit_record(
        actor=actor, action=AuditAction.INTEGRATION_CREATE,
        context={"integration": str(integration.public_id)},
    )  # fmt: skip
    return integration, plaintext


@transaction.atomic
def integration_revoke(*, membership: Membership, integration: Integration, actor: Actor) -> None:
    """Revoke an integration's token at once; its next request is refused."""
    require_actor(actor)
    require_manager(membership)
    _acting_user(actor)  # a signed-in member, never a terminal
    if integration.merchant_id != membership.merchant_id:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    if integration.revoked_at is not None:
        return
    token_revoke(token=integration.token, actor=actor)
    integration.revoked_at = timezone.now()
    integration.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action=AuditAction.INTEGRATION_REVOKE,
        context={"integration": str(integration.public_id)},
    )  # fmt: skip
