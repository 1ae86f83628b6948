"""The person's visits, points and rewards in their export; what erasure does to them
(detached from the released cards, the loyalty sums moved to one anonymous card); and
the retention of visits (see :mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from kliento.cards.models import Card, CardIssuer
from kliento.common import crypto
from kliento.common.personal_data import (
    ERASE_HISTORY,
    RecordKind,
    Section,
    iso,
    register_retention,
    register_section,
    stream_rows,
    uuid_text,
)
from kliento.merchants.models import Merchant, Premises
from kliento.register.models import Subject
from kliento.visits.models import LedgerEntry, LoyaltyProgram, Reward, Visit

CHUNK = 2000
ERASED_CARD_LOOKUP_KIND = "card:erased"


def _cards_of(subject: Subject) -> QuerySet[Card]:
    return Card.objects.filter(holder=subject)


def _card_ids(subject: Subject) -> dict[int, str]:
    """The person's cards: pk to public id (a handful)."""
    return {
        pk: str(public_id) for pk, public_id in _cards_of(subject).values_list("pk", "public_id")
    }


def _names(rows: QuerySet[Visit]) -> tuple[dict[int, str], dict[int, str]]:
    """Names of the merchants and premises that ``rows`` refer to (a few, not one per row)."""
    merchants = dict(
        Merchant.objects.filter(pk__in=rows.values("merchant_id")).values_list("pk", "name")
    )
    premises = dict(
        Premises.objects.filter(pk__in=rows.values("premises_id")).values_list("pk", "name")
    )
    return merchants, premises


# --- erasure: the history of the released cards --------------------------------------------


def _erased_lookup() -> bytes:
    return crypto.blind_index(ERASED_CARD_LOOKUP_KIND, "erased")


def _erased_card() -> Card:
    """The one anonymous, blocked card that erased people's loyalty rows are moved to:
    the merchants' loyalty statistics keep their sums, and nothing links them to anyone."""
    lookup = _erased_lookup()
    card = Card.objects.filter(lookup=lookup).first()
    if card is not None:
        return card
    issuer, _created = CardIssuer.objects.get_or_create(
        kind=CardIssuer.Kind.KLIENTO, merchant=None, defaults={"name": "Kliento Oy"}
    )
    return Card.objects.create(
        kind=Card.Kind.KLIENTO,
        issuer=issuer,
        lookup=lookup,
        identifier_ct=b"",
        kek_id="",
        wrapped_key=b"",
        status=Card.Status.BLOCKED,
        blocked_at=timezone.now(),
    )


def cards_detach(*, card_ids: list[int], batch_size: int = 5000) -> int:
    """Finish the anonymisation of released cards: their visits lose the card (merchant,
    premises, time and amount stay), their ledger entries and rewards move to the one
    shared erased card (the loyalty sums stay), and the card rows are deleted. Runs in
    batches, each its own transaction; safe to run again. Returns the visits detached."""
    cards = Card.objects.filter(pk__in=card_ids, holder__isnull=True)
    ids = list(cards.values_list("pk", flat=True))
    if not ids:
        return 0
    detached = 0
    while True:
        with transaction.atomic():
            batch = list(
                Visit.objects.filter(card_id__in=ids).values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                break
            detached += Visit.objects.filter(pk__in=batch).update(card=None)
    with transaction.atomic():
        erased = _erased_card()
        LedgerEntry.objects.filter(card_id__in=ids).update(card=erased)
        Reward.objects.filter(card_id__in=ids).update(card=erased)
        Card.objects.filter(pk__in=ids, holder__isnull=True).delete()
    return detached


@task()
def erased_cards_detach(card_ids: list[int]) -> int:
    """Background step of a cancellation: :func:`cards_detach`."""
    return cards_detach(card_ids=card_ids)


def leftover_cards_detach() -> int:
    """Released cards whose background detachment never ran (or a restore brought back):
    detach them now. Returns the visits detached."""
    leftover = list(
        Card.objects.filter(holder__isnull=True, status=Card.Status.BLOCKED, kek_id="")
        .exclude(lookup=_erased_lookup())
        .values_list("pk", flat=True)
    )
    return cards_detach(card_ids=leftover) if leftover else 0


def _history_erase(subject: Subject) -> None:
    """Runs before the cards are released (which comes later in the same transaction):
    the cards' history is detached in batches after commit, so the cancellation's
    transaction stays the same size however long the person's history is."""
    card_ids = list(_cards_of(subject).order_by("pk").values_list("pk", flat=True))
    if card_ids:
        transaction.on_commit(lambda: erased_cards_detach.enqueue(card_ids=card_ids))


def _rewards_erase(subject: Subject) -> None:
    """Unused rewards are cancelled (before the cards are released); with the cards'
    history they then move to the one shared anonymous card."""
    Reward.objects.filter(card__holder=subject, status=Reward.Status.AVAILABLE).update(
        status=Reward.Status.VOID
    )


# --- visits ----------------------------------------------------------------------------------


def _visit_rows(subject: Subject) -> QuerySet[Visit]:
    return Visit.objects.filter(card__holder=subject)


def _visits(subject: Subject) -> Iterator[dict[str, Any]]:
    cards = _card_ids(subject)
    rows = _visit_rows(subject).order_by("at", "pk")
    merchants, premises = _names(rows)
    for row in stream_rows(
        rows.values_list("public_id", "at", "merchant_id", "premises_id", "amount_cents", "card_id")
    ):
        yield {
            "id": uuid_text(row[0]),
            "at": iso(row[1]),
            "merchant": merchants.get(row[2]),
            "premises": premises.get(row[3]),
            "amount_cents": row[4],
            "card": cards.get(row[5]),
        }


register_section(
    Section(
        name="visits",
        title=_("Your visits"),
        models=("visits.Visit",),
        items=("visits",),
        rows=_visits,
        count=lambda subject: _visit_rows(subject).count(),
        order=50,
        # Detached from the released cards after commit: anonymous counts stay.
        erase=_history_erase,
        erase_order=ERASE_HISTORY,
        retention=("visits",),
    )
)


# --- points and stamps ------------------------------------------------------------------------


def _ledger_rows(subject: Subject) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(card__holder=subject)


def _ledger(subject: Subject) -> Iterator[dict[str, Any]]:
    cards = _card_ids(subject)
    rows = _ledger_rows(subject).order_by("at", "pk")
    programs = dict(
        LoyaltyProgram.objects.filter(pk__in=rows.values("program_id")).values_list("pk", "name")
    )
    merchants = dict(
        LoyaltyProgram.objects.filter(pk__in=rows.values("program_id")).values_list(
            "pk", "merchant__name"
        )
    )
    for row in stream_rows(
        rows.values_list(
            "at", "program_id", "kind", "points", "stamps", "reason", "visit__public_id",
            "reward__public_id", "card_id",
        )
    ):  # fmt: skip
        yield {
            "at": iso(row[0]),
            "program": programs.get(row[1]),
            "merchant": merchants.get(row[1]),
            "kind": row[2],
            "points": row[3],
            "stamps": row[4],
            "reason": row[5],
            "visit": uuid_text(row[6]),
            "reward": uuid_text(row[7]),
            "card": cards.get(row[8]),
        }


register_section(
    Section(
        name="loyalty_ledger",
        title=_("Points and stamps"),
        models=("visits.LedgerEntry",),
        items=("loyalty",),
        rows=_ledger,
        count=lambda subject: _ledger_rows(subject).count(),
        order=60,
        kept_because=_(
            "Moved to one shared anonymous card when the cards' history is detached "
            "(the visits' erasure): the merchants' loyalty sums stay and name no one."
        ),
        retention=("unregistered_cards", "visits"),
    )
)


# --- rewards ----------------------------------------------------------------------------------


def _reward_rows(subject: Subject) -> QuerySet[Reward]:
    return Reward.objects.filter(card__holder=subject)


def _rewards(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = _reward_rows(subject).order_by("earned_at", "pk")
    for row in rows.values_list(
        "public_id", "program__name", "program__merchant__name", "program__reward_name",
        "status", "earned_at", "expires_at", "redeemed_at", "card__public_id",
    ).iterator(chunk_size=CHUNK):  # fmt: skip
        yield {
            "id": row[0],
            "program": row[1],
            "merchant": row[2],
            "reward": row[3],
            "status": row[4],
            "earned_at": row[5],
            "expires_at": row[6],
            "redeemed_at": row[7],
            "card": row[8],
        }


register_section(
    Section(
        name="rewards",
        title=_("Rewards"),
        models=("visits.Reward",),
        items=("loyalty",),
        rows=_rewards,
        count=lambda subject: _reward_rows(subject).count(),
        order=70,
        erase=_rewards_erase,
        erase_order=ERASE_HISTORY,
        retention=("unregistered_cards",),
    )
)


# --- visits beyond their period: anonymised ----------------------------------------------


def _visits_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    return Visit.objects.filter(at__lt=now - period, card__isnull=False)


def _visits_anonymise(pks: list[Any]) -> int:
    # Merchant, premises, time and amount stay as anonymous statistics; nothing links the
    # visit to a card (nor, through the ledger, to a card's points) any more.
    LedgerEntry.objects.filter(visit_id__in=pks).update(visit=None)
    return Visit.objects.filter(pk__in=pks).update(
        card=None, cashier=None, idempotency_key="", request_hash=None
    )


register_retention(
    RecordKind("visits", _("Visits beyond their period"), "visits", "anonymise",
               _visits_expired, _visits_anonymise, order=50)
)  # fmt: skip
