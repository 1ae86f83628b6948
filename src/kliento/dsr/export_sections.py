"""The person's requests, their history, fees and restrictions in their data export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from kliento.dsr.models import DataSubjectRequest, Fee, RequestEvent
from kliento.privacy.export import Section, register
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


register(
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
        erase=_erase,
    )
)
