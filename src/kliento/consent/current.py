"""The current-consent table: one row per person and purpose, the newest event.

``consent.services`` calls :func:`current_consent_apply` for every event it appends, in
the same transaction, so the audience query reads one indexed table instead of ranking
the whole event log. The log stays the proof: every send re-checks it per recipient.
"""

from __future__ import annotations

from kliento.consent.models import ConsentEvent, CurrentConsent


def current_consent_apply(event: ConsentEvent) -> None:
    """Make ``event`` the current state of its person and purpose."""
    CurrentConsent.objects.update_or_create(
        subject_id=event.subject_id,
        purpose=event.purpose,
        defaults={
            "granted": event.action == ConsentEvent.Action.GIVEN,
            "action": event.action,
            "notice_version": event.notice_version,
            "event": event,
            "at": event.at,
        },
    )
