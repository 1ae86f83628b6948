"""The person's cards in their export, their release on erasure, and the retention of
cards nobody registered (see :mod:`kliento.common.personal_data`).

The visits app sits above this one: its rows (a card's visits and loyalty ledger) are
reached here only through the card's reverse relations, never imported."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.cards.models import Card, CardChange
from kliento.cards.services import card_identifier, card_masked
from kliento.common.personal_data import (
    ERASE_CARDS,
    RecordKind,
    Retention,
    Section,
    register_retention,
    register_section,
)
from kliento.register.models import Subject

UNREGISTERED_CARD_PERIOD = timedelta(days=2 * 365)
UNREGISTERED_CARD_RETENTION = Retention(
    UNREGISTERED_CARD_PERIOD,
    _("A card nobody has registered is deleted 2 years after it was last used."),
)


def _cards_of(subject: Subject) -> QuerySet[Card]:
    return Card.objects.filter(holder=subject)


def _cards(subject: Subject) -> Iterator[dict[str, Any]]:
    for card in _cards_of(subject).select_related("issuer").order_by("pk"):
        yield {
            "id": card.public_id,
            "kind": card.kind,
            "issuer": card.issuer.name,
            "status": card.status,
            "masked": card_masked(card),
            "number": card_identifier(card),
            "registered_at": card.registered_at,
            "blocked_at": card.blocked_at,
            "last_used_at": card.last_used_at,
            "created_at": card.created_at,
        }


def cards_release(subject: Subject) -> list[int]:
    """Release the person's cards: no holder, no identifier (ciphertext, key and
    registration code gone), a random blind index (a later scan of the same physical
    card meets a new, unregistered card), blocked. Bounded by the number of cards, not
    by their history (the visits app detaches the history afterwards). Returns the
    cards' pks."""
    card_ids = list(_cards_of(subject).order_by("pk").values_list("pk", flat=True))
    if not card_ids:
        return []
    now = timezone.now()
    for card_id in card_ids:  # a handful of cards; each needs its own random lookup
        Card.objects.filter(pk=card_id).update(
            holder=None,
            lookup=os.urandom(32),
            identifier_ct=b"",
            kek_id="",
            wrapped_key=b"",
            registration_code_hash=None,
            status=Card.Status.BLOCKED,
            blocked_at=now,
        )
    CardChange.objects.filter(new_card_id__in=card_ids).delete()
    return card_ids


register_section(
    Section(
        name="cards",
        title=_("Your cards"),
        models=("cards.Card",),
        items=("card_identifiers",),
        rows=_cards,
        count=lambda subject: _cards_of(subject).count(),
        order=40,
        erase=cards_release,
        erase_order=ERASE_CARDS,
        retention=("unregistered_cards",),
    )
)


# --- cards nobody registered -------------------------------------------------------------


def _cards_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    cutoff = now - period
    return (
        Card.objects.filter(holder__isnull=True)
        .annotate(last_seen=Coalesce("last_used_at", "created_at"))
        .filter(last_seen__lt=cutoff)
        # no visit since the cutoff (the visits app's rows, through the reverse relation)
        .exclude(visits__at__gte=cutoff)
    )


def _cards_delete(pks: list[Any]) -> int:
    # Its visits stay as anonymous counts (card set to NULL); its ledger and rewards,
    # which belong to no one, go with it (the ledger first: its entries refer to each
    # other, which a cascade from the card would refuse).
    ledger = Card._meta.get_field("ledger").related_model
    ledger._default_manager.filter(card_id__in=pks).delete()  # type: ignore[union-attr]
    return Card.objects.filter(pk__in=pks, holder__isnull=True).delete()[1].get("cards.Card", 0)


register_retention(
    # Before the visits are anonymised: a card's ledger rows go with it.
    RecordKind("unregistered_cards", _("Cards nobody registered, unused"), "card_identifiers",
               "delete", _cards_expired, _cards_delete, order=40,
               retention=UNREGISTERED_CARD_RETENTION)
)  # fmt: skip
