"""Reads that record themselves: what a merchant sees of a person.

These are services, not selectors: each writes while it reads (the audit entry of the
shared items read, the customer's id at the merchant on first sight). Views and the API
call them; selectors stay read-only. Nothing here caches a shared value: every read
decrypts what is stored now, for the items granted now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from kliento.audit.actors import Actor
from kliento.cards.models import Card
from kliento.merchants.models import Merchant
from kliento.register import catalogue
from kliento.register import services as register
from kliento.register.models import Subject
from kliento.register.selectors import is_restricted
from kliento.sharing import pseudonyms
from kliento.sharing.selectors import SHAREABLE, customers_of, granted_items
from kliento.visits import loyalty
from kliento.visits.models import LoyaltyProgram, Reward, Visit


def shared_profile(
    *,
    subject: Subject,
    merchant: Merchant,
    actor: Actor,
    purpose: str,
    granted: list[str] | None = None,
) -> dict[str, Any]:
    """The values of the shared items, decrypted, primary value first, by item key.

    The read is recorded (who, which premises, which items) in the caller's transaction.
    Items with no value are left out; nothing is read when nothing is shared. A caller
    that has just read the grants passes them as ``granted``.
    """
    items = granted_items(subject=subject, merchant=merchant) if granted is None else granted
    if not items:
        return {}
    values_by_item = register.profile_read(
        subject=subject, actor=actor, purpose=purpose, items=items
    )
    return {
        key: [v.value for v in entries] if catalogue.BY_KEY[key].multiple else entries[0].value
        for key, entries in values_by_item.items()
    }


def customer_of(*, merchant: Merchant, customer_id: UUID) -> Subject:
    """One customer of ``merchant`` by their id at ``merchant``, with ``customer_id`` set,
    or 404 (an id from another merchant too: it names nobody here)."""
    subject_id = pseudonyms.subject_id_of(merchant=merchant, customer_id=customer_id)
    subject = (
        customers_of(merchant=merchant).filter(pk=subject_id).first()
        if subject_id is not None
        else None
    )
    if subject is None:
        raise Http404
    pseudonyms.pseudonyms_assign(merchant=merchant, subjects=[subject])
    return subject


def customers_shown(*, merchant: Merchant, rows: list[Subject]) -> list[Subject]:
    """``rows`` about to be shown to ``merchant``, each with its ``customer_id``."""
    pseudonyms.pseudonyms_assign(merchant=merchant, subjects=rows)
    return rows


@dataclass(frozen=True)
class ProgramState:
    program: LoyaltyProgram
    points: int
    stamps: int


@dataclass(frozen=True)
class CustomerView:
    """What a merchant sees of one customer: its own visits, loyalty and the shared items."""

    subject: Subject
    visits: list[Visit]
    programs: list[ProgramState]
    rewards: list[Reward]
    shared: dict[str, Any]
    granted: list[str]

    @property
    def shared_rows(self) -> list[tuple[catalogue.Item, Any]]:
        """Shared values in catalogue order, for display."""
        return [(item, self.shared[item.key]) for item in SHAREABLE if item.key in self.shared]


@transaction.atomic
def customer_view(
    *, merchant: Merchant, subject: Subject, actor: Actor, purpose: str, visit_limit: int = 50
) -> CustomerView:
    """Everything the merchant may see of a customer. Reads the shared items fresh and
    records the read in one transaction (the read and its record commit together)."""
    card_ids = list(Card.objects.filter(holder=subject).values_list("pk", flat=True))
    visits = list(
        Visit.objects.filter(merchant=merchant, card_id__in=card_ids)
        .select_related("premises")
        .order_by("-at", "-pk")[:visit_limit]
    )
    programs = list(LoyaltyProgram.objects.filter(merchant=merchant).order_by("pk"))
    program_ids = [p.pk for p in programs]
    balances = loyalty.balances(program_ids, card_ids)
    states = [
        ProgramState(p, balances[p.pk].points, balances[p.pk].stamps)
        for p in programs
        if p.is_active or balances[p.pk].points or balances[p.pk].stamps
    ]
    rewards = list(
        Reward.objects.filter(
            program_id__in=program_ids, card_id__in=card_ids,
            status=Reward.Status.AVAILABLE, expires_at__gt=timezone.now(),
        ).select_related("program").order_by("expires_at")
    )  # fmt: skip
    if is_restricted(subject):  # GDPR art. 18: stored, but nobody reads it meanwhile
        return CustomerView(subject, visits, states, rewards, {}, [])
    granted = granted_items(subject=subject, merchant=merchant)
    shared = shared_profile(
        subject=subject, merchant=merchant, actor=actor, purpose=purpose, granted=granted
    )
    return CustomerView(subject, visits, states, rewards, shared, granted)
