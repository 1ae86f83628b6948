"""Reads of data subject requests and of the objection state.

``marketing_suppressed`` is the check the marketing app calls: it must leave out everyone
for whom it is true (restricted processing, read from the register, or an objection).
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kliento.common.errors import DomainError, ErrorCode
from kliento.dsr.models import (
    CLOSED_STATUSES,
    DataSubjectRequest,
    RequestKind,
)
from kliento.register.models import Subject
from kliento.register.selectors import is_restricted


def marketing_suppressed(subject: Subject | int) -> bool:
    """True when no direct marketing may reach the person on any channel: their
    processing is restricted, or they objected to direct marketing (GDPR art. 21(3),
    which has no end date). Consent still has to be checked on top of this."""
    subject_id = subject if isinstance(subject, int) else subject.pk
    objected = DataSubjectRequest.objects.filter(
        subject_id=subject_id, kind=RequestKind.OBJECTION, applied_at__isnull=False
    ).exists()
    return objected or is_restricted(subject_id)


def suppressed_subject_ids() -> QuerySet[Subject]:
    """Every subject marketing must leave out, as a queryset to exclude in bulk:
    ``people.exclude(pk__in=suppressed_subject_ids().values("pk"))``."""
    return Subject.objects.filter(
        Q(restrictions__lifted_at__isnull=True, restrictions__isnull=False)
        | Q(dsr_requests__kind=RequestKind.OBJECTION, dsr_requests__applied_at__isnull=False)
    ).distinct()


def requests_list(*, state: str = "open") -> QuerySet[DataSubjectRequest]:
    """Requests for the tracker: open ones by due date, closed ones newest first."""
    requests = DataSubjectRequest.objects.all()
    if state == "open":
        return requests.exclude(status__in=CLOSED_STATUSES).order_by("due_at", "pk")
    if state == "closed":
        return requests.filter(status__in=CLOSED_STATUSES).order_by("-closed_at", "-pk")
    return requests.order_by("-received_at", "-pk")


def request_get(*, request_id: UUID) -> DataSubjectRequest:
    """One request with its person; an unknown id is not found."""
    found = (
        DataSubjectRequest.objects.filter(public_id=request_id)
        .select_related("subject", "subject__user")
        .first()
    )
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return found


def open_requests_of(*, subject: Subject) -> QuerySet[DataSubjectRequest]:
    """The person's requests still waiting for an answer, the one due first first."""
    return requests_list(state="open").filter(subject=subject)
