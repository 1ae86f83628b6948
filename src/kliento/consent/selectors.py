"""Consent state, derived from the event log (never stored on its own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.common.errors import DomainError, ErrorCode
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import PURPOSES, ConsentPurpose
from kliento.register.models import Subject


def purpose_get(key: str) -> ConsentPurpose:
    """The purpose named ``key``; an unknown key is a clear validation error."""
    try:
        return PURPOSES[key]
    except KeyError:
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("Unknown consent purpose."),
            details={"purpose": key, "known": sorted(PURPOSES)},
        ) from None


@dataclass(frozen=True)
class ConsentState:
    """A purpose's state for one person at one moment, from the newest event before it."""

    purpose: ConsentPurpose
    event: ConsentEvent | None
    moment: datetime

    @property
    def given(self) -> bool:
        """The newest event gave consent (to whichever notice version)."""
        return self.event is not None and self.event.action == ConsentEvent.Action.GIVEN

    @property
    def needs_reconsent(self) -> bool:
        """Given, but a notice published since (up to ``moment``) changed what is agreed to."""
        if self.event is None or not self.given:
            return False
        return _reconsent_needed(self.purpose, self.event.notice_version, self.moment)

    @property
    def active(self) -> bool:
        """Consent that processing may rely on at ``moment``."""
        return self.given and not self.needs_reconsent

    @property
    def decided(self) -> bool:
        """The person has made a choice at all (given, withdrawn or let it expire)."""
        return self.event is not None


def _reconsent_needed(purpose: ConsentPurpose, version: str, moment: datetime) -> bool:
    later = False
    for notice in purpose.notices:
        if later and notice.requires_reconsent and notice.published <= moment.date():
            return True
        later = later or notice.version == version
    return False


def latest_event(
    *, subject: Subject, purpose: str, at: datetime | None = None
) -> ConsentEvent | None:
    """The newest event for ``purpose`` (as of ``at`` when given)."""
    events = ConsentEvent.objects.filter(subject=subject, purpose=purpose)
    if at is not None:
        events = events.filter(at__lte=at)
    return events.order_by("-at", "-id").first()


def consent_state_at(*, subject: Subject, purpose: str, moment: datetime) -> ConsentState:
    """The state of ``purpose`` for ``subject`` as it was at ``moment`` (one query)."""
    purpose_obj = purpose_get(purpose)
    event = latest_event(subject=subject, purpose=purpose_obj.key, at=moment)
    return ConsentState(purpose=purpose_obj, event=event, moment=moment)


def has_consent(*, subject: Subject, purpose: str, at: datetime | None = None) -> bool:
    """True when consent for ``purpose`` is active (as of ``at``, or now)."""
    moment = at or timezone.now()
    return consent_state_at(subject=subject, purpose=purpose, moment=moment).active


def consent_states(*, subject: Subject, at: datetime | None = None) -> list[ConsentState]:
    """Every purpose's state for ``subject``, in the declared order (one query)."""
    moment = at or timezone.now()
    newest: dict[str, ConsentEvent] = {}
    events = ConsentEvent.objects.filter(subject=subject, at__lte=moment).order_by("at", "id")
    for event in events:
        newest[event.purpose] = event
    return [
        ConsentState(purpose=purpose, event=newest.get(key), moment=moment)
        for key, purpose in PURPOSES.items()
    ]


def consent_events(*, subject: Subject) -> QuerySet[ConsentEvent]:
    """The person's own consent events, newest first: the receipts they can open."""
    return (
        ConsentEvent.objects.filter(subject=subject)
        .select_related("subject")
        .order_by("-at", "-id")
    )


def consent_event_get(*, subject: Subject, receipt_id: UUID) -> ConsentEvent:
    """One of the person's own events; anyone else's is simply not found."""
    event = consent_events(subject=subject).filter(public_id=receipt_id).first()
    if event is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return event
