"""What a merchant may see of a person, read fresh each time; who a merchant's customers are.

Nothing here caches a shared value: every read decrypts what is stored now, for the
items granted now, and records the read in the caller's transaction.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from kliento.cards import identifiers
from kliento.cards.models import Card
from kliento.cards.services import card_lookup
from kliento.common import crypto
from kliento.common.errors import DomainError
from kliento.merchants.models import Merchant
from kliento.register import catalogue, values
from kliento.register.models import ProfileValue, Subject
from kliento.sharing.models import Grant, MerchantCustomer, Relationship
from kliento.visits.models import Visit

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


def last_activity(subject: Subject) -> datetime | None:
    """The newest of the annotated last visit and membership start."""
    times = [t for t in (getattr(subject, "last_visit", None),
                         getattr(subject, "member_since", None)) if t is not None]  # fmt: skip
    return max(times) if times else None
