"""Giving and withdrawing consent: each is one appended event."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import PURPOSES, ConsentPurpose
from kliento.consent.selectors import has_consent
from kliento.register.models import Subject


def _purpose(key: str) -> ConsentPurpose:
    try:
        return PURPOSES[key]
    except KeyError:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED, _("Unknown consent purpose."), details={"purpose": key}
        ) from None


def _append(
    *,
    subject: Subject,
    purpose: ConsentPurpose,
    action: str,
    notice_version: str,
    language: str,
    channel: str,
    actor: Actor,
    reason: str,
) -> ConsentEvent:
    notice = purpose.notice(notice_version)
    if notice is None:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            _("Unknown notice version."),
            details={"purpose": purpose.key, "notice_version": notice_version},
        )
    if channel == ConsentEvent.Channel.STAFF and not reason.strip():
        raise DomainError(ErrorCode.VALIDATION_FAILED, _("Staff must give a reason."))
    event = ConsentEvent.objects.create(
        subject=subject,
        purpose=purpose.key,
        notice_version=notice.version,
        notice_hash=notice.hash,
        language=language if language in ("fi", "sv", "en") else "fi",
        channel=channel,
        action=action,
        actor_kind=actor.kind,
        actor_id=actor.id,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=f"consent.{action}",
        subject_id=subject.public_id,
        purpose=purpose.key,
        context={"notice_version": notice.version},
    )
    return event


@transaction.atomic
def consent_give(
    *,
    subject: Subject,
    purpose_key: str,
    language: str,
    channel: str,
    actor: Actor,
    notice_version: str | None = None,
    reason: str = "",
) -> ConsentEvent:
    """Record consent to the purpose's notice (its current version unless named)."""
    require_actor(actor)
    purpose = _purpose(purpose_key)
    return _append(
        subject=subject,
        purpose=purpose,
        action=ConsentEvent.Action.GIVEN,
        notice_version=notice_version or purpose.current.version,
        language=language,
        channel=channel,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def consent_withdraw(
    *,
    subject: Subject,
    purpose_key: str,
    language: str,
    channel: str,
    actor: Actor,
    reason: str = "",
) -> ConsentEvent | None:
    """Record withdrawal. Withdrawing health-data consent deletes the allergies at once.

    Returns None when there was no consent to withdraw.
    """
    require_actor(actor)
    purpose = _purpose(purpose_key)
    if not has_consent(subject=subject, purpose=purpose.key):
        return None
    event = _append(
        subject=subject,
        purpose=purpose,
        action=ConsentEvent.Action.WITHDRAWN,
        notice_version=purpose.current.version,
        language=language,
        channel=channel,
        actor=actor,
        reason=reason,
    )
    if purpose.key == "health_data":
        from kliento.register.catalogue import ITEMS
        from kliento.register.services import profile_item_clear

        for item in ITEMS:
            if item.special_category and item.in_profile:
                profile_item_clear(subject=subject, item_key=item.key, actor=actor)
    return event
