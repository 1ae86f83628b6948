"""The person's Activity section: one timeline of everything that happened with third
parties — visits, loyalty, what they shared and withdrew, every read of their data by
someone else, and every disclosure.

Each source is read newest first and the sources are merged lazily, so a page reads
only the rows it shows and an export streams the whole history without loading it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.audit.actions import AuditAction
from kliento.audit.labels import action_label
from kliento.audit.models import ActorKind, AuditEntry
from kliento.merchants.models import Merchant, Premises
from kliento.register import catalogue
from kliento.register.models import Subject
from kliento.visits.models import LedgerEntry, Reward, Visit

EXPORT_PURPOSE = "customer export"  # the purpose sharing.services records exports under


class Kind(StrEnum):
    VISIT = "visit"
    LOYALTY = "loyalty"
    SHARING = "sharing"
    ACCESS = "access"
    DISCLOSURE = "disclosure"


KIND_LABELS: dict[Kind, Promise] = {
    Kind.VISIT: gettext_lazy("Visits"),
    Kind.LOYALTY: gettext_lazy("Points, stamps and rewards"),
    Kind.SHARING: gettext_lazy("Sharing"),
    Kind.ACCESS: gettext_lazy("Reads of your data"),
    Kind.DISCLOSURE: gettext_lazy("Disclosures"),
}

# Audit actions shown elsewhere in the timeline (as visits and loyalty) or not about
# third parties at all.
_HIDDEN_ACTIONS = (
    AuditAction.VISIT_RECORD,
    AuditAction.REWARD_REDEEM,
    AuditAction.REWARD_CLAIM,
    AuditAction.SUBJECT_CREATE,
)


@dataclass(frozen=True)
class Filters:
    merchant: Merchant | None = None
    kinds: frozenset[Kind] = frozenset(Kind)
    since: date | None = None
    until: date | None = None


@dataclass
class Event:
    """One line of the timeline; ``title`` and ``who`` are filled in by ``_finish``."""

    at: datetime
    kind: Kind
    action: str
    merchant_id: str = ""
    premises_id: str = ""
    merchant: str = ""
    premises: str = ""
    title: str = ""
    who: str = ""
    items: list[str] = field(default_factory=list)
    purpose: str = ""
    share: bool = False  # a visit or reward the person may share themselves
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def item_labels(self) -> list[str]:
        return [str(catalogue.BY_KEY[k].label) for k in self.items if k in catalogue.BY_KEY]

    def as_dict(self) -> dict[str, Any]:
        """The event for the JSON and CSV exports."""
        return {
            "at": self.at.isoformat(),
            "kind": str(self.kind),
            "action": self.action,
            "title": self.title,
            "merchant": self.merchant,
            "premises": self.premises,
            "who": self.who,
            "items": self.items,
            "purpose": self.purpose,
        }


def _range(qs: QuerySet[Any], at_field: str, filters: Filters) -> QuerySet[Any]:
    tz = timezone.get_current_timezone()
    if filters.since is not None:
        qs = qs.filter(**{f"{at_field}__gte": datetime.combine(filters.since, time(), tz)})
    if filters.until is not None:
        end = datetime.combine(filters.until + timedelta(days=1), time(), tz)
        qs = qs.filter(**{f"{at_field}__lt": end})
    return qs


def _visits(subject: Subject, filters: Filters, limit: int | None) -> Iterator[Event]:
    qs = Visit.objects.filter(card__holder=subject).select_related("merchant", "premises")
    if filters.merchant is not None:
        qs = qs.filter(merchant=filters.merchant)
    qs = _range(qs, "at", filters).order_by("-at", "-pk")
    for visit in qs[:limit] if limit else qs.iterator(chunk_size=500):
        yield Event(
            at=visit.at, kind=Kind.VISIT, action="visit", share=True,
            merchant_id=str(visit.merchant.public_id), merchant=visit.merchant.name,
            premises=visit.premises.name,
            params={"amount_cents": visit.amount_cents},
        )  # fmt: skip


def _ledger(subject: Subject, filters: Filters, limit: int | None) -> Iterator[Event]:
    qs = LedgerEntry.objects.filter(card__holder=subject).select_related("program__merchant")
    if filters.merchant is not None:
        qs = qs.filter(program__merchant=filters.merchant)
    qs = _range(qs, "at", filters).order_by("-at", "-pk")
    for entry in qs[:limit] if limit else qs.iterator(chunk_size=500):
        merchant = entry.program.merchant
        yield Event(
            at=entry.at, kind=Kind.LOYALTY, action=f"ledger.{entry.kind}",
            merchant_id=str(merchant.public_id), merchant=merchant.name,
            params={"points": entry.points, "stamps": entry.stamps,
                    "program": entry.program.name},
        )  # fmt: skip


def _rewards(
    subject: Subject, filters: Filters, limit: int | None, *, used: bool
) -> Iterator[Event]:
    at_field = "redeemed_at" if used else "earned_at"
    qs = Reward.objects.filter(card__holder=subject).select_related("program__merchant")
    if used:
        qs = qs.filter(redeemed_at__isnull=False)
    if filters.merchant is not None:
        qs = qs.filter(program__merchant=filters.merchant)
    qs = _range(qs, at_field, filters).order_by(f"-{at_field}", "-pk")
    for reward in qs[:limit] if limit else qs.iterator(chunk_size=500):
        merchant = reward.program.merchant
        at = reward.redeemed_at if used else reward.earned_at
        assert at is not None  # noqa: S101 (filtered above)
        yield Event(
            at=at, kind=Kind.LOYALTY, action="reward.used" if used else "reward.earned",
            merchant_id=str(merchant.public_id), merchant=merchant.name, share=not used,
            params={"reward": reward.program.reward_name},
        )  # fmt: skip


def _audit(subject: Subject, filters: Filters, limit: int | None) -> Iterator[Event]:
    qs = AuditEntry.objects.filter(subject_id=subject.public_id).exclude(action__in=_HIDDEN_ACTIONS)
    own = Q(actor_kind=ActorKind.PERSON)
    if subject.user is not None:
        own &= Q(actor_id=str(subject.user.public_id))
    by_others = ~own & ~Q(action__startswith="sharing.") & ~Q(action__startswith="disclosure.")
    wanted = Q(pk__in=[])
    if Kind.SHARING in filters.kinds:
        wanted |= Q(action__startswith="sharing.")
    if Kind.DISCLOSURE in filters.kinds:
        wanted |= Q(action__startswith="disclosure.")
    if Kind.ACCESS in filters.kinds:
        wanted |= by_others
    qs = qs.filter(wanted).exclude(action=AuditAction.PROFILE_READ, purpose=EXPORT_PURPOSE)
    if filters.merchant is not None:
        qs = qs.filter(context__merchant=str(filters.merchant.public_id))
    qs = _range(qs, "at", filters).order_by("-seq")
    for entry in qs[:limit] if limit else qs.iterator(chunk_size=500):
        if entry.action.startswith("sharing."):
            kind = Kind.SHARING
        elif entry.action.startswith("disclosure."):
            kind = Kind.DISCLOSURE
        else:
            kind = Kind.ACCESS
        yield Event(
            at=entry.at, kind=kind, action=entry.action,
            merchant_id=str(entry.context.get("merchant") or ""),
            premises_id=str(entry.context.get("premises") or ""),
            items=list(entry.items), purpose=entry.purpose,
            params={"actor_kind": entry.actor_kind, "actor_role": entry.actor_role,
                    "recipient": entry.context.get("recipient_name") or ""},
        )  # fmt: skip


def _sources(subject: Subject, filters: Filters, limit: int | None) -> list[Iterator[Event]]:
    sources: list[Iterator[Event]] = []
    if Kind.VISIT in filters.kinds:
        sources.append(_visits(subject, filters, limit))
    if Kind.LOYALTY in filters.kinds:
        sources.append(_ledger(subject, filters, limit))
        sources.append(_rewards(subject, filters, limit, used=False))
        sources.append(_rewards(subject, filters, limit, used=True))
    if filters.kinds & {Kind.SHARING, Kind.ACCESS, Kind.DISCLOSURE}:
        sources.append(_audit(subject, filters, limit))
    return sources


def _merged(subject: Subject, filters: Filters, limit: int | None) -> Iterator[Event]:
    return heapq.merge(*_sources(subject, filters, limit), key=lambda e: e.at, reverse=True)


def _names(events: list[Event]) -> list[Event]:
    """Fill in merchant and premises names for audit events (two queries at most) and
    the readable title of every event."""
    merchant_ids = {e.merchant_id for e in events if e.merchant_id and not e.merchant}
    premises_ids = {e.premises_id for e in events if e.premises_id and not e.premises}
    merchants = (
        dict(Merchant.objects.filter(public_id__in=merchant_ids).values_list("public_id", "name"))
        if merchant_ids
        else {}
    )
    premises = (
        dict(Premises.objects.filter(public_id__in=premises_ids).values_list("public_id", "name"))
        if premises_ids
        else {}
    )
    merchant_names = {str(k): v for k, v in merchants.items()}
    premises_names = {str(k): v for k, v in premises.items()}
    for event in events:
        event.merchant = event.merchant or merchant_names.get(event.merchant_id, "")
        event.premises = event.premises or premises_names.get(event.premises_id, "")
        event.title, event.who = _describe(event)
    return events


def _who(event: Event) -> str:
    kind = event.params.get("actor_kind")
    if kind == ActorKind.TERMINAL and event.params.get("actor_role") == "integration":
        return _("An integration of %(merchant)s") % {"merchant": event.merchant}
    if kind == ActorKind.TERMINAL:
        if event.premises:
            return _("Terminal at %(premises)s, %(merchant)s") % {
                "premises": event.premises, "merchant": event.merchant,
            }  # fmt: skip
        return _("Terminal of %(merchant)s") % {"merchant": event.merchant}
    if kind == ActorKind.MERCHANT_STAFF:
        return _("Staff of %(merchant)s") % {"merchant": event.merchant}
    if kind == ActorKind.STAFF:
        return _("Kliento staff (%(role)s)") % {"role": event.params.get("actor_role") or "-"}
    if kind == ActorKind.SYSTEM:
        return _("Kliento service")
    return _("You")


def _correction_title(p: dict[str, Any]) -> str:
    """A correction by customer service (visits/corrections.py): points, stamps or both."""
    if p["points"] and p["stamps"]:
        return (
            _(
                "Customer service corrected your points and stamps in %(program)s: "
                "%(points)+d points, %(stamps)+d stamps"
            )
            % p
        )
    if p["points"]:
        return _("Customer service corrected your points in %(program)s: %(n)+d") % {
            "n": p["points"], **p,
        }  # fmt: skip
    return _("Customer service corrected your stamps in %(program)s: %(n)+d") % {
        "n": p["stamps"], **p,
    }  # fmt: skip


def _describe(event: Event) -> tuple[str, str]:
    p = event.params
    m = {"merchant": event.merchant, "premises": event.premises}
    if event.kind == Kind.VISIT:
        title = _("Visit at %(premises)s") % m
        if p.get("amount_cents"):
            title += " · " + _("purchase %(amount)s €") % {
                "amount": formats.number_format(Decimal(p["amount_cents"]) / 100, 2, use_l10n=True)
            }
        return title, ""
    if event.action == "ledger.earn":
        if p["points"]:
            return _("Earned %(n)s points in %(program)s") % {"n": p["points"], **p}, ""
        return _("Earned %(n)s stamp(s) in %(program)s") % {"n": p["stamps"], **p}, ""
    if event.action == "ledger.redeem":
        if p["points"]:
            return _("Used %(n)s points in %(program)s") % {"n": -p["points"], **p}, ""
        return _("Used %(n)s stamps in %(program)s") % {"n": -p["stamps"], **p}, ""
    if event.action == "ledger.expire":
        return _("Reward expired in %(program)s") % p, ""
    if event.action == "ledger.reverse":
        return _("A transaction was reversed in %(program)s") % p, ""
    if event.action == "ledger.correction":
        return _correction_title(p), ""
    if event.action == "reward.earned":
        return _("Reward earned: %(reward)s") % p, ""
    if event.action == "reward.used":
        return _("Reward used: %(reward)s") % p, ""
    who = _who(event)
    titles: dict[str, str] = {
        AuditAction.SHARING_GRANT: _("You started sharing with %(merchant)s"),
        AuditAction.SHARING_WITHDRAW: _("You stopped sharing with %(merchant)s"),
        AuditAction.SHARING_JOIN: _("You joined %(merchant)s"),
        AuditAction.SHARING_LEAVE: _("You left %(merchant)s and withdrew everything you shared"),
        AuditAction.DISCLOSURE_MERCHANT_EXPORT: _(
            "%(merchant)s exported the data you share with it"
        ),
        # disclosures/services.py: the recipient's name travels in the audit context.
        AuditAction.DISCLOSURE_RECORD: _("Your data was given to %(recipient)s"),
        AuditAction.DISCLOSURE_CORRECTION: _("%(recipient)s was told about your correction"),
        AuditAction.DISCLOSURE_ERASURE: _("%(recipient)s was told to erase your data"),
        AuditAction.DISCLOSURES_READ: _("Your disclosures were looked at"),
        AuditAction.PROFILE_READ: _("Your data was read"),
        AuditAction.CARD_ISSUE: _("A Kliento card was issued to you"),
    }
    if event.action not in titles:
        return str(action_label(event.action)), who
    return titles[event.action] % {**m, "recipient": p.get("recipient", "")}, who


def timeline(
    *, subject: Subject, filters: Filters, offset: int = 0, limit: int = 50
) -> list[Event]:
    """One page of the timeline, newest first; ``limit + 1`` events are returned when
    there are more, so the caller knows whether a next page exists."""
    window = offset + limit + 1
    return _names(list(itertools.islice(_merged(subject, filters, window), offset, window)))


def timeline_all(*, subject: Subject, filters: Filters, chunk: int = 500) -> Iterator[Event]:
    """The whole timeline, newest first, for the exports; streamed in chunks."""
    merged = _merged(subject, filters, None)
    while True:
        batch = list(itertools.islice(merged, chunk))
        if not batch:
            return
        yield from _names(batch)


def kinds_from(values: Iterable[str]) -> frozenset[Kind]:
    """The kinds named in a query string; all of them when none (or none valid) is named."""
    chosen = frozenset(Kind(v) for v in values if v in {k.value for k in Kind})
    return chosen or frozenset(Kind)
