"""Writes for merchants: approval by the register holder, premises, staff, terminals."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.accounts.models import ApiToken, User
from kliento.accounts.roles import StaffRole
from kliento.accounts.tokens import token_create, token_revoke
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.models import ActorKind
from kliento.audit.services import audit_record
from kliento.common.errors import DomainError, ErrorCode
from kliento.merchants.models import Invitation, Membership, Merchant, Premises, Terminal

INVITATION_VALIDITY = timedelta(days=7)
# The audit action recorded when a merchant's status is set.
STATUS_ACTIONS: dict[str, AuditAction] = {
    Merchant.Status.PENDING: AuditAction.MERCHANT_PENDING,
    Merchant.Status.APPROVED: AuditAction.MERCHANT_APPROVED,
    Merchant.Status.SUSPENDED: AuditAction.MERCHANT_SUSPENDED,
}


def _require_administrator(actor: Actor) -> None:
    require_actor(actor)
    if actor.kind == ActorKind.SYSTEM:
        return
    if actor.user is None or not actor.user.has_role(StaffRole.ADMINISTRATOR):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only an administrator may do this."))


def _acting_user(actor: Actor) -> User:
    if actor.user is None:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only a signed-in member may do this."))
    return actor.user


def require_manager(membership: Membership) -> None:
    """Owners and managers run the merchant; cashiers only check in."""
    if not membership.manages:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only an owner or a manager may do this."))


def require_active(merchant: Merchant) -> None:
    """An unapproved or suspended merchant can do nothing."""
    if not merchant.is_active:
        raise DomainError(
            ErrorCode.MERCHANT_INACTIVE, _("This merchant is not approved to use Kliento.")
        )


@transaction.atomic
def merchant_create(*, name: str, business_id: str, owner: User, actor: Actor) -> Merchant:
    """Register a merchant (pending approval) with its first owner. Administrators only."""
    _require_administrator(actor)
    merchant = Merchant.objects.create(name=name.strip(), business_id=business_id.strip())
    Membership.objects.create(merchant=merchant, user=owner, role=Membership.Role.OWNER)
    audit_record(
        actor=actor,
        action=AuditAction.MERCHANT_CREATE,
        context={"merchant": str(merchant.public_id)},
    )
    return merchant


# The audit action of each change of status, by (old status, new status); other changes
# keep the form "merchant.<new status>".
@transaction.atomic
def merchant_set_status(
    *,
    merchant: Merchant,
    status: str,
    actor: Actor,
    reason: str = "",
    context: dict[str, str] | None = None,
) -> Merchant:
    """Approve, suspend or reactivate a merchant, with the administrator's reason.
    Administrators only. The audit entry is ``merchant.approve``, ``merchant.suspend`` or
    ``merchant.reactivated`` (see STATUS_ACTIONS)."""
    _require_administrator(actor)
    if status not in Merchant.Status.values:
        raise DomainError(ErrorCode.VALUE_INVALID, _("Unknown status."))
    previous = merchant.status
    merchant.status = status
    merchant.status_reason = reason.strip()[:500]
    fields = ["status", "status_reason"]
    if status == Merchant.Status.APPROVED and merchant.approved_at is None:
        merchant.approved_at = timezone.now()
        fields.append("approved_at")
    merchant.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=(
            AuditAction.MERCHANT_REACTIVATED
            if (previous, status) == (Merchant.Status.SUSPENDED, Merchant.Status.APPROVED)
            else STATUS_ACTIONS[status]
        ),
        context={"merchant": str(merchant.public_id), **(context or {})},
        purpose=merchant.status_reason,
    )
    return merchant


@transaction.atomic
def premises_create(
    *, membership: Membership, name: str, street: str, postal_code: str, city: str, actor: Actor
) -> Premises:
    """Add premises to the merchant of ``membership`` (owner or manager)."""
    require_actor(actor)
    require_manager(membership)
    require_active(membership.merchant)
    premises = Premises.objects.create(
        merchant=membership.merchant, name=name.strip(), street=street.strip(),
        postal_code=postal_code.strip(), city=city.strip(),
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=AuditAction.PREMISES_CREATE,
        context={"premises": str(premises.public_id)},
    )
    return premises


@transaction.atomic
def premises_set_open(
    *, membership: Membership, premises: Premises, is_open: bool, actor: Actor
) -> None:
    """Open or close premises for check-ins."""
    require_actor(actor)
    require_manager(membership)
    Premises.objects.filter(pk=premises.pk, merchant=membership.merchant).update(is_open=is_open)


@transaction.atomic
def invitation_create(
    *, membership: Membership, email: str, role: str, premises: list[Premises], actor: Actor
) -> tuple[Invitation, str]:
    """Invite someone to the merchant's staff. Returns the invitation and its secret token,
    which goes only into the e-mail."""
    require_actor(actor)
    require_manager(membership)
    require_active(membership.merchant)
    if role not in Membership.Role.values:
        raise DomainError(ErrorCode.VALUE_INVALID, _("Unknown role."))
    if role == Membership.Role.OWNER and membership.role != Membership.Role.OWNER:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only an owner may invite an owner."))
    if role == Membership.Role.CASHIER and not premises:
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("Choose the premises where the cashier works.")
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        merchant=membership.merchant,
        email=email.strip().lower(),
        role=role,
        token_hash=hashlib.sha256(token.encode()).digest(),
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    invitation.premises.set([p for p in premises if p.merchant_id == membership.merchant_id])
    audit_record(actor=actor, action=AuditAction.MERCHANT_INVITE, context={"role": role})
    return invitation, token


@transaction.atomic
def invitation_accept(*, token: str, user: User, actor: Actor) -> Membership:
    """Join the merchant's staff with the invited role; the link works once, for 7 days."""
    require_actor(actor)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=hashlib.sha256(token.encode()).digest())
        .first()
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.expires_at < timezone.now()
    ):
        raise DomainError(ErrorCode.CODE_INVALID, _("This invitation is not valid any more."))
    membership, _created = Membership.objects.update_or_create(
        merchant=invitation.merchant, user=user, defaults={"role": invitation.role}
    )
    membership.premises.set(invitation.premises.all())
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(actor=actor, action=AuditAction.MERCHANT_JOIN, context={"role": invitation.role})
    return membership


@transaction.atomic
def terminal_create(
    *, membership: Membership, premises: Premises, name: str, actor: Actor
) -> tuple[Terminal, str]:
    """A terminal at ``premises`` and its token (shown once)."""
    require_actor(actor)
    require_manager(membership)
    require_active(membership.merchant)
    _acting_user(actor)  # a signed-in member, never a terminal
    if premises.merchant_id != membership.merchant_id:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    token, plaintext = token_create(
        kind=ApiToken.Kind.TERMINAL, name=f"terminal: {name.strip()}", actor=actor
    )
    terminal = Terminal.objects.create(premises=premises, name=name.strip(), token=token)
    audit_record(
        actor=actor,
        action=AuditAction.TERMINAL_CREATE,
        context={"terminal": str(terminal.public_id)},
    )
    return terminal, plaintext


@transaction.atomic
def terminal_revoke(*, membership: Membership, terminal: Terminal, actor: Actor) -> None:
    """Revoke a terminal's token at once."""
    require_actor(actor)
    require_manager(membership)
    _acting_user(actor)  # a signed-in member, never a terminal
    if terminal.premises.merchant_id != membership.merchant_id:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    token_revoke(token=terminal.token, actor=actor)
    terminal.revoked_at = timezone.now()
    terminal.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.TERMINAL_REVOKE,
        context={"terminal": str(terminal.public_id)},
    )


@transaction.atomic
def premises_update(
    *,
    membership: Membership,
    premises: Premises,
    name: str,
    street: str,
    postal_code: str,
    city: str,
    actor: Actor,
) -> Premises:
    """Rename premises or correct their address (owner or manager)."""
    require_actor(actor)
    require_manager(membership)
    require_active(membership.merchant)
    if premises.merchant_id != membership.merchant_id:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    if not name.strip():
        raise DomainError(ErrorCode.VALUE_INVALID, _("Give the premises a name."))
    premises.name, premises.street = name.strip(), street.strip()
    premises.postal_code, premises.city = postal_code.strip(), city.strip()
    premises.save(update_fields=["name", "street", "postal_code", "city"])
    audit_record(
        actor=actor,
        action=AuditAction.PREMISES_UPDATE,
        context={"premises": str(premises.public_id)},
    )
    return premises


@transaction.atomic
def membership_remove(*, membership: Membership, member: Membership, actor: Actor) -> None:
    """Remove ``member`` from the merchant's staff. Owners and managers remove cashiers
    and managers; only an owner removes an owner, and the last owner stays."""
    require_actor(actor)
    require_manager(membership)
    if member.merchant_id != membership.merchant_id:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    if member.pk == membership.pk:
        raise DomainError(ErrorCode.CANNOT_REMOVE_SELF, _("You cannot remove yourself."))
    if member.role == Membership.Role.OWNER:
        if membership.role != Membership.Role.OWNER:
            raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only an owner may remove an owner."))
        owners = Membership.objects.select_for_update().filter(
            merchant_id=membership.merchant_id, role=Membership.Role.OWNER
        )
        if owners.count() <= 1:
            raise DomainError(ErrorCode.LAST_OWNER, _("A merchant needs at least one owner."))
    member.delete()
    audit_record(
        actor=actor,
        action=AuditAction.MERCHANT_MEMBER_REMOVE,
        context={"merchant": str(membership.merchant.public_id), "role": member.role},
    )
