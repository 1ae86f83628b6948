"""Reads of cards, scoped to who asks: a person sees only the cards they hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kliento.cards.models import Card
from kliento.cards.services import card_masked
from kliento.common.errors import DomainError, ErrorCode
from kliento.register.models import Subject


def cards_of(*, subject: Subject) -> QuerySet[Card]:
    """The person's cards, newest first, with their issuers (one query)."""
    return (
        Card.objects.filter(holder=subject)
        .select_related("issuer")
        .order_by("status", "-registered_at", "-pk")
    )


def card_of(*, subject: Subject, card_id: UUID) -> Card:
    """One of the person's own cards; anyone else's (or none) is NOT_FOUND."""
    card = cards_of(subject=subject).filter(public_id=card_id).first()
    if card is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return card


def replaceable_cards_of(*, subject: Subject) -> QuerySet[Card]:
    """The person's physical cards a card change can replace: active ones, and blocked
    ones (a lost card is blocked first, then replaced)."""
    return (
        cards_of(subject=subject)
        .filter(status__in=(Card.Status.ACTIVE, Card.Status.BLOCKED))
        .exclude(kind=Card.Kind.PHONE)
    )


@dataclass(frozen=True)
class CardRow:
    """A card as its holder sees it: masked number, kind, issuer and status."""

    card: Card
    masked: str

    @property
    def id(self) -> UUID:
        return self.card.public_id

    @property
    def kind(self) -> str:
        return self.card.kind

    @property
    def kind_label(self) -> str:
        return str(self.card.get_kind_display())

    @property
    def status(self) -> str:
        return self.card.status

    @property
    def status_label(self) -> str:
        return str(self.card.get_status_display())

    @property
    def issuer(self) -> str:
        return self.card.issuer.name

    @property
    def issuer_kind(self) -> str:
        return self.card.issuer.kind

    @property
    def registered_at(self) -> datetime | None:
        return self.card.registered_at

    @property
    def blocked_at(self) -> datetime | None:
        return self.card.blocked_at

    @property
    def last_used_at(self) -> datetime | None:
        return self.card.last_used_at

    @property
    def can_block(self) -> bool:
        return self.card.status == Card.Status.ACTIVE and self.card.kind != Card.Kind.PHONE


def card_rows(*, subject: Subject) -> list[CardRow]:
    """The person's cards ready to show, numbers masked."""
    return [CardRow(card, card_masked(card)) for card in cards_of(subject=subject)]
