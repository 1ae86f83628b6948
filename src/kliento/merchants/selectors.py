"""Reads for merchants, scoped to the member asking."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from kliento.accounts.models import User
from kliento.merchants.models import (
    Invitation,
    Membership,
    Merchant,
    MerchantApplication,
    Premises,
    Terminal,
)


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


# --- the administrators' merchant queue ------------------------------------------------


QUEUE_FILTERS = ("pending", "approved", "suspended", "rejected")


@dataclass(frozen=True)
class QueueRow:
    """One row of the administrators' queue: an application or a merchant."""

    name: str
    business_id: str
    status: str
    status_label: str
    since: datetime
    application_id: UUID | None
    merchant_id: UUID | None


def merchant_queue(*, status: str, query: str = "") -> list[QueueRow]:
    """Applications waiting for a decision ("pending") or rejected, or merchants approved
    or suspended, matching ``query`` in the name or business ID; newest first."""
    text = query.strip()
    if status in ("pending", "rejected"):
        states = (
            [MerchantApplication.Status.READY, MerchantApplication.Status.UNVERIFIED]
            if status == "pending"
            else [MerchantApplication.Status.REJECTED]
        )
        applications = MerchantApplication.objects.filter(status__in=states)
        if status == "pending":
            applications = applications.exclude(
                status=MerchantApplication.Status.UNVERIFIED, token_expires_at__lte=timezone.now()
            )
        if text:
            applications = applications.filter(
                Q(business_name__icontains=text) | Q(business_id__icontains=text)
            )
        return [
            QueueRow(a.business_name, a.business_id, a.status, a.get_status_display(),
                     a.created_at, a.public_id, None)
            for a in applications.order_by("-created_at")[:QUEUE_LIMIT]
        ]  # fmt: skip
    merchants = Merchant.objects.filter(status=status)
    if text:
        merchants = merchants.filter(Q(name__icontains=text) | Q(business_id__icontains=text))
    return [
        QueueRow(m.name, m.business_id, m.status, m.get_status_display(),
                 m.approved_at or m.created_at, None, m.public_id)
        for m in merchants.order_by("name")[:QUEUE_LIMIT]
    ]  # fmt: skip


QUEUE_LIMIT = 200


def application_get(*, public_id: UUID) -> MerchantApplication:
    """One application by its public id, or 404."""
    application = (
        MerchantApplication.objects.filter(public_id=public_id)
        .select_related("applicant", "merchant")
        .first()
    )
    if application is None:
        raise Http404
    return application


def merchant_get(*, public_id: UUID) -> Merchant:
    """One merchant by its public id, or 404."""
    merchant = Merchant.objects.filter(public_id=public_id).first()
    if merchant is None:
        raise Http404
    return merchant
