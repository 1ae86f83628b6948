"""Retention: every kind of record, how long it is kept, and what happens after.

``RETENTION`` is the one place the periods are applied from. Each kind names the
catalogue item (and through it the period the privacy notice states) it belongs to;
``kliento retention run`` and the scheduled task ``retention_run_task`` walk it.
Each kind deletes or anonymises in batches, each batch in its own transaction with
one audit entry, so a long run neither holds locks nor loses work if it stops.
See docs/decisions/0013-retention.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from kliento.audit.actors import Actor
from kliento.audit.models import AuditNetwork
from kliento.audit.services import audit_record
from kliento.cards.models import Card
from kliento.consent.models import ConsentEvent
from kliento.dsr.models import CLOSED_STATUSES, DataSubjectRequest, RequestKind
from kliento.register import catalogue
from kliento.register.catalogue import Retention
from kliento.surveys.models import Response
from kliento.surveys.services import responses_expired
from kliento.visits.models import LedgerEntry, Visit

BATCH = 1000
UNREGISTERED_CARD_PERIOD = timedelta(days=2 * 365)
UNREGISTERED_CARD_RETENTION = Retention(
    UNREGISTERED_CARD_PERIOD,
    _("A card nobody has registered is deleted 2 years after it was last used."),
)


@dataclass(frozen=True)
class RecordKind:
    """One kind of record with its period and what happens when it expires."""

    key: str
    label: Promise
    item: str  # the catalogue item the records belong to
    retention: Retention
    action: str  # "delete" or "anonymise"
    expired: Callable[[datetime], QuerySet[models.Model]]  # rows past the period at ``now``
    apply: Callable[[list[Any]], int]  # delete or anonymise these pks; rows changed

    @property
    def period(self) -> timedelta:
        assert self.retention.period is not None  # noqa: S101 (every kind here has a period)
        return self.retention.period


# --- technical data: sessions ----------------------------------------------------------


def _sessions_expired(now: datetime) -> QuerySet[models.Model]:
    # A session is technical data tied to a login; kept only until it expires.
    return Session.objects.filter(expire_date__lt=now)


def _sessions_delete(pks: list[Any]) -> int:
    return Session.objects.filter(pk__in=pks).delete()[0]


# --- technical data: IP addresses in the audit log -------------------------------------


def _audit_ips_expired(now: datetime) -> QuerySet[models.Model]:
    # The entry keeps only sha256(salt || ip); without this row it names no address.
    period = catalogue.BY_KEY["ip_address"].retention.period
    assert period is not None  # noqa: S101
    return AuditNetwork.objects.filter(recorded_at__lt=now - period)


def _audit_ips_delete(pks: list[Any]) -> int:
    return AuditNetwork.objects.filter(pk__in=pks).delete()[0]


# --- technical data: finished tasks (queued e-mails hold the address and the text) -----


def _tasks_expired(now: datetime) -> QuerySet[models.Model]:
    period = catalogue.TECHNICAL_RETENTION.period
    assert period is not None  # noqa: S101
    return DBTaskResult.objects.filter(finished_at__lt=now - period)


def _tasks_delete(pks: list[Any]) -> int:
    return DBTaskResult.objects.filter(pk__in=pks).delete()[0]


# --- cards nobody registered -------------------------------------------------------------


def _cards_expired(now: datetime) -> QuerySet[models.Model]:
    cutoff = now - UNREGISTERED_CARD_PERIOD
    return (
        Card.objects.filter(holder__isnull=True)
        .annotate(last_seen=Coalesce("last_used_at", "created_at"))
        .filter(last_seen__lt=cutoff)
        .exclude(Exists(Visit.objects.filter(card=OuterRef("pk"), at__gte=cutoff)))
    )


def _cards_delete(pks: list[Any]) -> int:
    # Its visits stay as anonymous counts (card set to NULL); its ledger and rewards,
    # which belong to no one, go with it.
    LedgerEntry.objects.filter(card_id__in=pks).delete()
    return Card.objects.filter(pk__in=pks, holder__isnull=True).delete()[1].get("cards.Card", 0)


# --- visits beyond their period: anonymised ----------------------------------------------


def _visits_expired(now: datetime) -> QuerySet[models.Model]:
    period = catalogue.BY_KEY["visits"].retention.period
    assert period is not None  # noqa: S101
    return Visit.objects.filter(at__lt=now - period, card__isnull=False)


def _visits_anonymise(pks: list[Any]) -> int:
    # Merchant, premises, time and amount stay as anonymous statistics; nothing links the
    # visit to a card (nor, through the ledger, to a card's points) any more.
    LedgerEntry.objects.filter(visit_id__in=pks).update(visit=None)
    return Visit.objects.filter(pk__in=pks).update(
        card=None, cashier=None, idempotency_key="", request_hash=None
    )


# --- closed requests -------------------------------------------------------------------------


def _requests_expired(now: datetime) -> QuerySet[models.Model]:
    period = catalogue.BY_KEY["privacy_requests"].retention.period
    assert period is not None  # noqa: S101
    # An objection to direct marketing has no end date (GDPR art. 21(3)): the request that
    # records it stays while the person's account does.
    return DataSubjectRequest.objects.filter(
        status__in=CLOSED_STATUSES, closed_at__lt=now - period
    ).exclude(kind=RequestKind.OBJECTION, applied_at__isnull=False, subject__erased_at__isnull=True)


def _requests_delete(pks: list[Any]) -> int:
    return (
        DataSubjectRequest.objects.filter(pk__in=pks).delete()[1].get("dsr.DataSubjectRequest", 0)
    )


# --- consent events after the proof period --------------------------------------------------


def _consent_expired(now: datetime) -> QuerySet[models.Model]:
    """Events of a (person, purpose) whose newest event withdrew or ended consent more
    than the proof period ago. While a consent is in force its events are kept."""
    period = catalogue.BY_KEY["direct_marketing"].retention.period
    assert period is not None  # noqa: S101
    newest = ConsentEvent.objects.filter(
        subject=OuterRef("subject"), purpose=OuterRef("purpose")
    ).order_by("-at", "-id")
    expired = ConsentEvent.objects.annotate(
        newest_action=newest.values("action")[:1], newest_at=newest.values("at")[:1]
    ).filter(~Q(newest_action=ConsentEvent.Action.GIVEN), newest_at__lt=now - period)
    # Rows other apps keep pointing at (PROTECT) stay until those rows go.
    # (related_name="+" hides a relation from related_objects: ask for hidden fields too)
    relations = [
        f
        for f in ConsentEvent._meta.get_fields(include_hidden=True)
        if isinstance(f, ForeignObjectRel)
    ]
    for relation in relations:
        if relation.on_delete is models.PROTECT:
            referenced = relation.related_model._default_manager.filter(  # type: ignore[union-attr]
                **{relation.field.name: OuterRef("pk")}
            )
            expired = expired.exclude(Exists(referenced))
    return expired


def _consent_delete(pks: list[Any]) -> int:
    # Consent events refuse deletes (proof); this is the one deletion they allow: on
    # PostgreSQL the trigger lets it through only with this transaction-local setting
    # (dsr migration 0002), and the ORM guard is passed by the plain QuerySet.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL kliento.retention_purge = 'on'")
    return (
        models.QuerySet(ConsentEvent).filter(pk__in=pks).delete()[1].get("consent.ConsentEvent", 0)
    )


# --- survey answers and prize-draw entries (their rules live with the surveys) --------


def _responses_expired(now: datetime) -> QuerySet[models.Model]:
    return responses_expired(timezone.localdate(now))


def _responses_delete(pks: list[Any]) -> int:
    return Response.objects.filter(pk__in=pks).delete()[1].get("surveys.Response", 0)


RETENTION: tuple[RecordKind, ...] = (
    RecordKind("sessions", _("Expired login sessions"), "ip_address",
               Retention(timedelta(0), _("Until the session expires.")), "delete",
               _sessions_expired, _sessions_delete),
    RecordKind("audit_ip_addresses", _("IP addresses in the audit log"), "ip_address",
               catalogue.BY_KEY["ip_address"].retention, "delete", _audit_ips_expired,
               _audit_ips_delete),
    RecordKind("finished_tasks", _("Finished background tasks, such as sent e-mails"),
               "login_email", catalogue.TECHNICAL_RETENTION, "delete", _tasks_expired,
               _tasks_delete),
    RecordKind("unregistered_cards", _("Cards nobody registered, unused"), "card_identifiers",
               UNREGISTERED_CARD_RETENTION, "delete", _cards_expired, _cards_delete),
    RecordKind("visits", _("Visits beyond their period"), "visits",
               catalogue.BY_KEY["visits"].retention, "anonymise", _visits_expired,
               _visits_anonymise),
    RecordKind("closed_requests", _("Closed data subject requests"), "privacy_requests",
               catalogue.BY_KEY["privacy_requests"].retention, "delete", _requests_expired,
               _requests_delete),
    RecordKind("consent_events", _("Consent events after the proof period"), "direct_marketing",
               catalogue.BY_KEY["direct_marketing"].retention, "delete", _consent_expired,
               _consent_delete),
    RecordKind("survey_responses", _("Survey answers and prize-draw entries"), "survey_answers",
               catalogue.BY_KEY["survey_answers"].retention, "delete", _responses_expired,
               _responses_delete),
)  # fmt: skip
BY_KEY: dict[str, RecordKind] = {kind.key: kind for kind in RETENTION}


@dataclass
class KindReport:
    kind: RecordKind
    expired: int
    changed: int = 0


def retention_plan(*, now: datetime | None = None) -> list[KindReport]:
    """How many rows of each kind have expired at ``now`` (a dry run: changes nothing)."""
    moment = now or timezone.now()
    return [KindReport(kind, kind.expired(moment).count()) for kind in RETENTION]


def retention_run(
    *,
    actor: Actor,
    now: datetime | None = None,
    batch_size: int = BATCH,
    on_progress: Callable[[RecordKind, int], None] | None = None,
) -> list[KindReport]:
    """Delete or anonymise every expired row, kind by kind, in batches of ``batch_size``
    (each batch one transaction with one audit entry). ``on_progress`` gets the kind and
    the rows done in each batch."""
    moment = now or timezone.now()
    reports = []
    for kind in RETENTION:
        report = KindReport(kind, kind.expired(moment).count())
        last_pk: Any = None
        while True:
            rows = kind.expired(moment)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            pks = list(rows.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not pks:
                break
            last_pk = pks[-1]
            with transaction.atomic():
                changed = kind.apply(pks)
                audit_record(
                    actor=actor,
                    action=f"retention.{kind.action}",
                    items=[kind.item],
                    purpose="retention",
                    context={"kind": kind.key, "rows": changed},
                )
            report.changed += changed
            if on_progress is not None:
                on_progress(kind, len(pks))
        reports.append(report)
    return reports
