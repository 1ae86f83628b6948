"""Reads for merchants, scoped to the member asking."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from kliento.accounts.models import User
from kliento.merchants.models import Membership, Premises, Terminal


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
