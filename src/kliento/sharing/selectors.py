"""What a merchant may see of a person, read fresh each time; who a merchant's customers are.

Nothing here caches a shared value: every read decrypts what is stored now, for the
items granted now, and records the read in the caller's transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from kliento.audit.actors import Actor
from kliento.cards import identifiers
from kliento.cards.models import Card
from kliento.cards.services import card_lookup
from kliento.common import crypto
from kliento.common.errors import DomainError
from kliento.merchants.models import Merchant
from kliento.register import catalogue, values
from kliento.register import services as register
from kliento.register.models import ProfileValue, Subject
from kliento.register.selectors import is_restricted
from kliento.sharing import pseudonyms
from kliento.sharing.models import Grant, MerchantCustomer, Relationship
from kliento.visits import loyalty
from kliento.visits.models import LoyaltyProgram, Reward, Visit

SHAREABLE: tuple[catalogue.Item, ...] = tuple(
    item for item in catalogue.PROFILE_ITEMS if item.shareable
)
SHAREABLE_KEYS: frozenset[str] = frozenset(item.key for item in SHAREABLE)


def granted_items(*, subject: Subject, merchant: Merchant) -> list[str]:
    """The catalogue items ``subject`` shares with ``merchant`` now."""
    return sorted(
        Grant.objects.filter(subject=subject, merchant=merchant).values_list("item", flat=True)
    )


def grants_version(*, subject: Subject, merchant: Merchant) -> str:
    """A short fingerprint of the grants in force, so a form rendered before a change
    (a withdrawal in another tab, leaving) is recognised as stale when it comes back."""
    rows = Grant.objects.filter(subject=subject, merchant=merchant).order_by("item")
    text = "|".join(f"{g.item}@{g.granted_at.isoformat()}" for g in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def shared_profile(
    *, subject: Subject, merchant: Merchant, actor: Actor, purpose: str
) -> dict[str, Any]:
    """The values of the shared items, decrypted, primary value first, by item key.

    The read is recorded (who, which premises, which items) in the caller's transaction.
    Items with no value are left out; nothing is read when nothing is shared.
    """
    items = granted_items(subject=subject, merchant=merchant)
    if not items:
        return {}
    values_by_item = register.profile_read(
        subject=subject, actor=actor, purpose=purpose, items=items
    )
    return {
        key: [v.value for v in entries] if catalogue.BY_KEY[key].multiple else entries[0].value
        for key, entries in values_by_item.items()
    }


# --- the person's side -----------------------------------------------------------------


def merchants_of_person(*, subject: Subject) -> QuerySet[Merchant]:
    """Merchants the person has joined or visited with one of their cards, with
    ``joined`` (bool), ``last_visit`` and ``shared`` (number of grants) annotated."""
    visited = Visit.objects.filter(merchant=OuterRef("pk"), card__holder=subject)
    joined = Relationship.objects.filter(merchant=OuterRef("pk"), subject=subject)
    grants = (
        Grant.objects.filter(merchant=OuterRef("pk"), subject=subject)
        .values("merchant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Merchant.objects.annotate(
            joined=Exists(joined),
            last_visit=Subquery(visited.order_by("-at").values("at")[:1]),
            shared=Coalesce(Subquery(grants), 0),
        )
        .filter(Q(joined=True) | Q(Exists(visited)))
        .order_by("name", "pk")
    )


def merchant_of_person(*, subject: Subject, merchant_id: UUID) -> Merchant:
    """One merchant the person has joined or visited, or 404."""
    merchant = merchants_of_person(subject=subject).filter(public_id=merchant_id).first()
    if merchant is None:
        raise Http404
    return merchant


def joinable_merchant(*, merchant_id: UUID) -> Merchant:
    """An approved merchant a person may join (from a QR code at its premises), or 404."""
    merchant = Merchant.objects.filter(
        public_id=merchant_id, status=Merchant.Status.APPROVED
    ).first()
    if merchant is None:
        raise Http404
    return merchant


# --- the merchant's side -----------------------------------------------------------------


def customers_of(*, merchant: Merchant) -> QuerySet[Subject]:
    """People with a visit or a membership at ``merchant``, last visit first, annotated
    with ``visit_count``, ``last_visit``, ``member_since``, ``shared_count`` and
    ``stored_pseudonym`` (their id at this merchant, if shown before: pass the rows shown
    through :func:`pseudonyms.pseudonyms_assign` for ``customer_id``).

    Correlated subqueries keep it to one query per page whatever the history.
    """
    visits = Visit.objects.filter(merchant=merchant, card__holder=OuterRef("pk"))
    relationship = Relationship.objects.filter(merchant=merchant, subject=OuterRef("pk"))
    visit_count = visits.values("merchant").annotate(n=Count("pk")).values("n")
    grant_count = (
        Grant.objects.filter(merchant=merchant, subject=OuterRef("pk"))
        .values("merchant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Subject.objects.filter(erased_at__isnull=True)
        .filter(Q(Exists(relationship)) | Q(Exists(visits)))
        .annotate(
            visit_count=Coalesce(Subquery(visit_count), 0),
            last_visit=Subquery(visits.order_by("-at").values("at")[:1]),
            member_since=Subquery(relationship.values("joined_at")[:1]),
            shared_count=Coalesce(Subquery(grant_count), 0),
            stored_pseudonym=Subquery(
                MerchantCustomer.objects.filter(merchant=merchant, subject=OuterRef("pk")).values(
                    "pseudonym"
                )[:1]
            ),
        )
        .order_by(Coalesce("last_visit", "member_since").desc(nulls_last=True), "-pk")
    )


def customers_search(*, merchant: Merchant, query: str) -> QuerySet[Subject]:
    """Customers found by an exact card number or an e-mail address they share with
    ``merchant`` (through the blind index: no substring search, no probing of e-mail
    addresses a person has not shared). A query that is neither finds nobody."""
    customers = customers_of(merchant=merchant)
    text = query.strip()
    if not text:
        return customers
    if "@" in text:
        item = catalogue.BY_KEY["email"]
        try:
            normalised = values.normalise(item, text)
        except DomainError:
            return customers.none()
        form = values.lookup_form(item, normalised)
        if form is None:
            return customers.none()
        index = crypto.blind_index(item.key, form)
        holders = ProfileValue.objects.filter(item="email", lookup=index).values("subject")
        sharing_email = Grant.objects.filter(merchant=merchant, item="email").values("subject")
        return customers.filter(pk__in=holders).filter(pk__in=sharing_email)
    try:
        scanned = identifiers.parse(text)
    except DomainError:
        return customers.none()
    if scanned.card_id is not None:
        cards = Card.objects.filter(public_id=scanned.card_id)
    else:
        kind = Card.Kind.KLIENTO if scanned.kind == "kliento" else Card.Kind.CONTACTLESS
        cards = Card.objects.filter(lookup=card_lookup(kind, scanned.value))
    return customers.filter(pk__in=cards.filter(holder__isnull=False).values("holder"))


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


def customer_view(
    *, merchant: Merchant, subject: Subject, actor: Actor, purpose: str, visit_limit: int = 50
) -> CustomerView:
    """Everything the merchant may see of a customer. Reads the shared items fresh and
    records the read; call inside a transaction (the read and its record commit together)."""
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
    shared = shared_profile(subject=subject, merchant=merchant, actor=actor, purpose=purpose)
    return CustomerView(subject, visits, states, rewards, shared, granted)


def last_activity(subject: Subject) -> datetime | None:
    """The newest of the annotated last visit and membership start."""
    times = [t for t in (getattr(subject, "last_visit", None),
                         getattr(subject, "member_since", None)) if t is not None]  # fmt: skip
    return max(times) if times else None
