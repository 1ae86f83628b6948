"""The person's consent events in their export, kept as proof on erasure, and their
retention after the proof period (see :mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils.translation import gettext_lazy as _

from kliento.common.personal_data import (
    RecordKind,
    Section,
    register_retention,
    register_section,
)
from kliento.consent.models import ConsentEvent
from kliento.consent.receipts import receipt_claims
from kliento.register.models import Subject

CHUNK = 2000


def _consents(subject: Subject) -> Iterator[dict[str, Any]]:
    events = ConsentEvent.objects.filter(subject=subject).order_by("at", "pk")
    for event in events.iterator(chunk_size=CHUNK):
        yield {
            "id": event.public_id,
            "purpose": event.purpose,
            "action": event.action,
            "at": event.at,
            "channel": event.channel,
            "language": event.language,
            "notice_version": event.notice_version,
            "notice_hash": event.notice_hash,
            "actor_kind": event.actor_kind,
            "reason": event.reason,
            "receipt": receipt_claims(event),
        }


register_section(
    Section(
        name="consents",
        title=_("Consents and receipts"),
        models=("consent.ConsentEvent",),
        items=("direct_marketing",),
        rows=_consents,
        count=lambda subject: ConsentEvent.objects.filter(subject=subject).count(),
        order=80,
        kept_because=_(
            "Proof of consent (GDPR art. 7(1)): the events keep only the pseudonymous "
            "subject reference, until the proof period after the consent ended."
        ),
        retention=("consent_events",),
    )
)


# --- consent events after the proof period --------------------------------------------------


def _consent_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    """Events of a (person, purpose) whose newest event withdrew or ended consent more
    than the proof period ago. While a consent is in force its events are kept."""
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


register_retention(
    RecordKind("consent_events", _("Consent events after the proof period"), "direct_marketing",
               "delete", _consent_expired, _consent_delete, order=70)
)  # fmt: skip
