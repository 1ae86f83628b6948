"""The person's requests, their history, fees and restrictions: export, erasure and the
retention of closed requests (see :mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kliento.common.personal_data import (
    RecordKind,
    Section,
    register_retention,
    register_section,
)
from kliento.dsr.models import (
    CLOSED_STATUSES,
    DataSubjectRequest,
    Fee,
    RequestEvent,
    RequestKind,
)
from kliento.register.models import ProcessingRestriction, Subject

CHUNK = 500


def _requests(subject: Subject) -> Iterator[dict[str, Any]]:
    requests = DataSubjectRequest.objects.filter(subject=subject).order_by("pk")
    for request in requests.iterator(chunk_size=CHUNK):
        yield {
            "kind": "request",
            "id": str(request.public_id),
            "request_kind": request.kind,
            "channel": request.channel,
            "details": request.details,
            "status": request.status,
            "received_at": request.received_at,
            "due_at": request.due_at,
            "verified_at": request.verified_at,
            "extended_at": request.extended_at,
            "extension_reason": request.extension_reason,
            "applied_at": request.applied_at,
            "outcome": request.outcome,
            "closed_at": request.closed_at,
            "history": [
                {"action": e.action, "status": e.status, "note": e.note, "at": e.at}
                for e in RequestEvent.objects.filter(request=request).order_by("at", "pk")
            ],
            "fees": [
                {
                    "ground": f.ground,
                    "amount_cents": f.amount_cents,
                    "reason": f.reason,
                    "state": f.state,
                    "decided_at": f.decided_at,
                    "answered_at": f.answered_at,
                }
                for f in Fee.objects.filter(request=request).order_by("pk")
            ],
        }
    restrictions = ProcessingRestriction.objects.filter(subject=subject).order_by("pk")
    for restriction in restrictions.iterator(chunk_size=CHUNK):
        yield {
            "kind": "restriction",
            "started_at": restriction.started_at,
            "lifted_at": restriction.lifted_at,
        }


def _erase(subject: Subject) -> None:
    """On cancellation: the requests stay as proof of how each was answered (their own
    retention), without any free text; restrictions go with the data they restricted."""
    requests = DataSubjectRequest.objects.filter(subject=subject)
    # "-" keeps the constraints (an extension and a closed request have a text).
    requests.update(details="")
    requests.exclude(extension_reason="").update(extension_reason="-")
    requests.exclude(outcome="").update(outcome="-")
    RequestEvent.objects.filter(request__subject=subject).update(note="")
    Fee.objects.filter(request__subject=subject).update(reason="-")
    ProcessingRestriction.objects.filter(subject=subject).delete()


register_section(
    Section(
        name="privacy_requests",
        title=_("Your requests about your data"),
        models=(
            "dsr.DataSubjectRequest",
            "dsr.RequestEvent",
            "dsr.Fee",
            "register.ProcessingRestriction",
        ),
        items=("privacy_requests",),
        rows=_requests,
        count=lambda subject: (
            DataSubjectRequest.objects.filter(subject=subject).count()
            + ProcessingRestriction.objects.filter(subject=subject).count()
        ),
        order=180,
        erase=_erase,
        retention=("closed_requests",),
    )
)


# --- closed requests -------------------------------------------------------------------------


def _requests_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    # An objection to direct marketing has no end date (GDPR art. 21(3)): the request that
    # records it stays while the person's account does.
    return DataSubjectRequest.objects.filter(
        status__in=CLOSED_STATUSES, closed_at__lt=now - period
    ).exclude(kind=RequestKind.OBJECTION, applied_at__isnull=False, subject__erased_at__isnull=True)


def _requests_delete(pks: list[Any]) -> int:
    return (
        DataSubjectRequest.objects.filter(pk__in=pks).delete()[1].get("dsr.DataSubjectRequest", 0)
    )


register_retention(
    RecordKind("closed_requests", _("Closed data subject requests"), "privacy_requests",
               "delete", _requests_expired, _requests_delete, order=60)
)  # fmt: skip
