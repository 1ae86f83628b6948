"""Consent state, derived from the event log."""

from __future__ import annotations

from datetime import datetime

from kliento.consent.models import ConsentEvent
from kliento.register.models import Subject


def latest_event(
    *, subject: Subject, purpose: str, at: datetime | None = None
) -> ConsentEvent | None:
    """The newest event for ``purpose`` (as of ``at`` when given)."""
    events = ConsentEvent.objects.filter(subject=subject, purpose=purpose)
    if at is not None:
        events = events.filter(at__lte=at)
    return events.order_by("-at", "-id").first()


def has_consent(*, subject: Subject, purpose: str, at: datetime | None = None) -> bool:
    """True when the newest event for ``purpose`` (as of ``at``) gives consent."""
    event = latest_event(subject=subject, purpose=purpose, at=at)
    return event is not None and event.action == ConsentEvent.Action.GIVEN
