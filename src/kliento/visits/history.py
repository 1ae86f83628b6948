"""Who sees which visits: the person every visit on the cards they hold, a merchant only
its own. Each selector returns an already scoped queryset with the loyalty each visit
earned (the sum of its earn entries that were not reversed)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _

from kliento.common.errors import DomainError, ErrorCode
from kliento.merchants.models import Merchant
from kliento.register.models import Subject
from kliento.visits.models import LedgerEntry, Visit

_EARNED = Q(ledger__kind=LedgerEntry.Kind.EARN, ledger__reversed_by__isnull=True)
_EARNED_HERE = Q(kind=LedgerEntry.Kind.EARN, reversed_by__isnull=True)


def _with_loyalty(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    reversals = LedgerEntry.objects.filter(visit=OuterRef("pk"), kind=LedgerEntry.Kind.REVERSE)
    return visits.annotate(
        earned_points=Coalesce(Sum("ledger__points", filter=_EARNED), 0),
        earned_stamps=Coalesce(Sum("ledger__stamps", filter=_EARNED), 0),
        reversed=Exists(reversals),
    ).order_by("-at", "-pk")


def visits_of_person(*, subject: Subject) -> QuerySet[Visit]:
    """Every visit on the person's cards (replaced ones too), at every merchant."""
    return _with_loyalty(
        Visit.objects.filter(card__holder=subject).select_related("merchant", "premises", "card")
    )


def visit_of_person(*, subject: Subject, visit_id: UUID) -> Visit:
    """One of the person's own visits; anyone else's is NOT_FOUND."""
    visit = visits_of_person(subject=subject).filter(public_id=visit_id).first()
    if visit is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return visit


def visits_of_merchant(*, merchant: Merchant) -> QuerySet[Visit]:
    """The merchant's visits at all its premises, and no one else's."""
    return _with_loyalty(Visit.objects.filter(merchant=merchant).select_related("premises", "card"))


def visit_of_merchant(*, merchant: Merchant, visit_id: UUID) -> Visit:
    """One of the merchant's visits; another merchant's visit is NOT_FOUND (a 404)."""
    visit = visits_of_merchant(merchant=merchant).filter(public_id=visit_id).first()
    if visit is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return visit


def latest_visits_per_merchant(*, subject: Subject, limit: int = 50) -> list[Visit]:
    """The person's newest ``limit`` visits at each merchant, each with the loyalty it
    earned (``earned_points``, ``earned_stamps``) and whether it was reversed. Two
    queries however long the history is (a window function ranks the visits)."""
    ranked = Visit.objects.filter(card__holder=subject).annotate(
        rank=Window(
            RowNumber(), partition_by=[F("merchant_id")], order_by=[F("at").desc(), F("pk").desc()]
        )
    )
    visits: list[Visit] = list(
        ranked.filter(rank__lte=limit)
        .select_related("merchant", "premises", "card")
        .order_by("-at", "-pk")
    )
    loyalty = {
        row["visit_id"]: row
        for row in LedgerEntry.objects.filter(visit_id__in=[v.pk for v in visits])
        .values("visit_id")
        .annotate(
            points=Coalesce(Sum("points", filter=_EARNED_HERE), 0),
            stamps=Coalesce(Sum("stamps", filter=_EARNED_HERE), 0),
            reversals=Count("pk", filter=Q(kind=LedgerEntry.Kind.REVERSE)),
        )
    }
    for visit in visits:
        row = loyalty.get(visit.pk, {})
        visit.earned_points = row.get("points", 0)  # type: ignore[attr-defined]
        visit.earned_stamps = row.get("stamps", 0)  # type: ignore[attr-defined]
        visit.reversed = bool(row.get("reversals"))  # type: ignore[attr-defined]
    return visits
