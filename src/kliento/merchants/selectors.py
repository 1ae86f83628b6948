"""Reads for merchants, scoped to the member asking."""

from __future__ import annotations

import hashlib
from uuid import UUID

from django.db.models import Case, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from kliento.accounts.models import User
from kliento.merchants.models import Invitation, Membership, Premises, Terminal


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The merchants ``user`` works for, with their role."""
    return (
        Membership.objects.filter(user=user).select_related("merchant").order_by("merchant__name")
    )


def membership_of(*, user: User, merchant_id: UUID) -> Membership:
    """The user's membership at that merchant, or 404 (never 403: no probing of ids)."""
    membership = (
        Membership.objects.filter(user=user, merchant__public_id=merchant_id)
        .select_related("merchant")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def premises_for(*, membership: Membership) -> QuerySet[Premises]:
    """Premises this member may act at: all of the merchant's for owners and managers,
    only their own for cashiers."""
    premises = Premises.objects.filter(merchant=membership.merchant).order_by("name")
    if not membership.manages:
        premises = premises.filter(cashiers=membership)
    return premises


def premises_of(*, membership: Membership, premises_id: UUID) -> Premises:
    """One premises the member may act at, or 404."""
    premises = premises_for(membership=membership).filter(public_id=premises_id).first()
    if premises is None:
        raise Http404
    return premises


def terminals_for(*, membership: Membership) -> QuerySet[Terminal]:
    return (
        Terminal.objects.filter(premises__merchant=membership.merchant)
        .select_related("premises", "token")
        .order_by("premises__name", "name")
    )


def terminal_of(*, membership: Membership, terminal_id: UUID) -> Terminal:
    """One of the merchant's terminals, or 404."""
    terminal = terminals_for(membership=membership).filter(public_id=terminal_id).first()
    if terminal is None:
        raise Http404
    return terminal


ROLE_ORDER = Case(
    When(role=Membership.Role.OWNER, then=Value(0)),
    When(role=Membership.Role.MANAGER, then=Value(1)),
    default=Value(2),
)


def members_for(*, membership: Membership) -> QuerySet[Membership]:
    """The merchant's staff with their premises, owners first."""
    return (
        Membership.objects.filter(merchant=membership.merchant)
        .select_related("user")
        .prefetch_related("premises")
        .order_by(ROLE_ORDER, "user__email")
    )


def member_of(*, membership: Membership, member_id: int) -> Membership:
    """One member of the merchant's staff, or 404."""
    member = members_for(membership=membership).filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def invitations_pending(*, membership: Membership) -> QuerySet[Invitation]:
    """Invitations not yet accepted and still valid."""
    return Invitation.objects.filter(
        merchant=membership.merchant, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def invitation_for_token(*, token: str) -> Invitation | None:
    """The valid, unaccepted invitation that ``token`` opens, if any."""
    return (
        Invitation.objects.filter(
            token_hash=hashlib.sha256(token.encode()).digest(),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("merchant")
        .first()
    )
