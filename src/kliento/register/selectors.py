"""Reads of the register, already scoped; they write nothing.

``is_restricted`` is the check other apps call before processing a person's data: check-in
refuses a restricted person's card, sharing shows merchants none of their items, and
marketing leaves them out.
"""

from __future__ import annotations

from kliento.register.models import ProcessingRestriction, Subject


def is_restricted(subject: Subject | int) -> bool:
    """True while the person's processing is restricted (GDPR art. 18): store only."""
    subject_id = subject if isinstance(subject, int) else subject.pk
    return ProcessingRestriction.objects.filter(
        subject_id=subject_id, lifted_at__isnull=True
    ).exists()
