"""Retention: the run that deletes or anonymises every kind of record past its period.

The kinds of record are declared by the apps that own them, each in its
``personal_data.py`` (:class:`~kliento.common.personal_data.RecordKind`, registered with
``register_retention`` from the app's ``AppConfig.ready()``); this module only walks the
registry. ``kliento retention run`` and the scheduled task ``retention_run_task`` call it.

Order: the kinds run in their declared ``order`` (lowest first), fixed and documented
here because it matters: sessions (10), IP addresses in the audit log (20), finished
tasks (30), unregistered cards with their ledger rows (40) before visits are anonymised
(50), closed requests (60), consent events (70), survey responses (80).

Periods: a kind either owns its :class:`~kliento.common.personal_data.Retention`, or names
the catalogue item whose retention applies (by default the item its records belong
to); :func:`kinds` resolves the latter here, where the catalogue is visible, so every
period the notice states is the one applied. Each kind deletes or anonymises in
batches, each batch in its own transaction with one audit entry, so a long run neither
holds locks nor loses work if it stops. See docs/decisions/0013-retention.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor
from kliento.audit.services import audit_record
from kliento.common.personal_data import RecordKind, retention_kinds
from kliento.register import catalogue

BATCH = 1000
# The audit action of each ``RecordKind.action``.
AUDIT_ACTIONS: dict[str, AuditAction] = {
    "delete": AuditAction.RETENTION_DELETE,
    "anonymise": AuditAction.RETENTION_ANONYMISE,
}


def resolved(kind: RecordKind) -> RecordKind:
    """``kind`` with its period: a catalogue item's retention when it names one."""
    item = kind.period_item
    if item is None:
        return kind
    return dataclasses.replace(kind, retention=catalogue.BY_KEY[item].retention)


def kinds() -> list[RecordKind]:
    """Every registered kind of record, with its period, in the order of the run."""
    return [resolved(kind) for kind in retention_kinds()]


def __getattr__(name: str) -> Any:
    # ``RETENTION`` and ``BY_KEY`` as computed views of the registry (read after the apps
    # are ready, when every app has declared its kinds).
    if name == "RETENTION":
        return tuple(kinds())
    if name == "BY_KEY":
        return {kind.key: kind for kind in kinds()}
    raise AttributeError(name)


@dataclass
class KindReport:
    kind: RecordKind
    expired: int
    changed: int = 0


def retention_plan(*, now: datetime | None = None) -> list[KindReport]:
    """How many rows of each kind have expired at ``now`` (a dry run: changes nothing)."""
    moment = now or timezone.now()
    return [KindReport(kind, kind.expired(moment, kind.period).count()) for kind in kinds()]


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
    for kind in kinds():
        report = KindReport(kind, kind.expired(moment, kind.period).count())
        last_pk: Any = None
        while True:
            rows = kind.expired(moment, kind.period)
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
                    action=AUDIT_ACTIONS[kind.action],
                    items=[kind.item],
                    purpose="retention",
                    context={"kind": kind.key, "rows": changed},
                )
            report.changed += changed
            if on_progress is not None:
                on_progress(kind, len(pks))
        reports.append(report)
    return reports
