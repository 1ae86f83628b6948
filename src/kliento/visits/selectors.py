"""Reads for the merchant portal's visits, programs and rewards, scoped to the member
asking."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from kliento.cards.models import Card
from kliento.merchants.models import Membership, Premises
from kliento.merchants.selectors import premises_for
from kliento.visits.models import LoyaltyProgram, Reward, Visit


def visits_for(*, membership: Membership, premises: Premises | None = None) -> QuerySet[Visit]:
    """The merchant's visits, newest first; a cashier's only at their premises."""
    visits = Visit.objects.filter(
        merchant=membership.merchant, premises__in=premises_for(membership=membership)
    )
    if premises is not None:
        visits = visits.filter(premises=premises)
    return visits.select_related("premises", "card", "terminal", "cashier").order_by("-at", "-pk")


def visit_of(*, membership: Membership, visit_id: UUID) -> Visit:
    """One of the merchant's visits, or 404: another merchant's visit does not exist here."""
    visit = visits_for(membership=membership).filter(public_id=visit_id).first()
    if visit is None:
        raise Http404
    return visit


def programs_for(*, membership: Membership) -> QuerySet[LoyaltyProgram]:
    """The merchant's loyalty programs, active ones first."""
    return LoyaltyProgram.objects.filter(merchant=membership.merchant).order_by(
        "-is_active", "name"
    )


def program_of(*, membership: Membership, program_id: UUID) -> LoyaltyProgram:
    """One of the merchant's programs, or 404."""
    program = programs_for(membership=membership).filter(public_id=program_id).first()
    if program is None:
        raise Http404
    return program


def reward_of(*, membership: Membership, reward_id: UUID) -> Reward:
    """A reward earned in one of the merchant's programs, or 404."""
    reward = (
        Reward.objects.filter(program__merchant=membership.merchant, public_id=reward_id)
        .select_related("program", "card")
        .first()
    )
    if reward is None:
        raise Http404
    return reward


def card_seen_by(*, membership: Membership, card_id: UUID) -> Card:
    """A card that has visited the merchant, or 404: staff act only on cards shown to them."""
    card = Card.objects.filter(
        public_id=card_id,
        pk__in=Visit.objects.filter(merchant=membership.merchant).values("card_id"),
    ).first()
    if card is None:
        raise Http404
    return card
