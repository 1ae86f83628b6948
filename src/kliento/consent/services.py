"""Giving, withdrawing and expiring consent: each is one appended event.

Bad input (an unknown purpose, an unknown or stale notice version, staff without a
reason) raises ``DomainError`` before anything is written.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from kliento.accounts.roles import StaffRole
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.models import ActorKind
from kliento.audit.services import audit_record
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent.current import current_consent_apply
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import LANGUAGES, ConsentPurpose, Notice
from kliento.consent.selectors import (
    ConsentState,
    consent_events,
    consent_states,
    latest_event,
    purpose_get,
)
from kliento.register.catalogue import ITEMS
from kliento.register.models import Subject
from kliento.register.services import profile_item_clear

# Staff who may record a consent choice the person told them (by phone, in writing).
ON_BEHALF_ROLES = frozenset({StaffRole.CUSTOMER_SERVICE, StaffRole.PRIVACY_OFFICER})
# The audit action recorded with each kind of consent event.
AUDIT_ACTIONS: dict[str, AuditAction] = {
    ConsentEvent.Action.GIVEN: AuditAction.CONSENT_GIVEN,
    ConsentEvent.Action.WITHDRAWN: AuditAction.CONSENT_WITHDRAWN,
    ConsentEvent.Action.EXPIRED: AuditAction.CONSENT_EXPIRED,
}


def _notice(purpose: ConsentPurpose, version: str) -> Notice:
    notice = purpose.notice(version)
    if notice is None:
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("Unknown notice version."),
            details={
                "purpose": purpose.key,
                "notice_version": version,
                "current_version": purpose.current.version,
            },
        )
    return notice


def _check_channel(*, channel: str, actor: Actor, reason: str) -> None:
    if channel not in ConsentEvent.Channel.values:
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("Unknown channel."), details={"channel": channel}
        )
    on_behalf = actor.kind == ActorKind.STAFF
    if on_behalf != (channel == ConsentEvent.Channel.STAFF):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            _("Only staff record consent on a person's behalf, and only through that channel."),
        )
    if on_behalf and actor.role not in ON_BEHALF_ROLES:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, _("Your role may not record consent for a person.")
        )
    if on_behalf and not reason.strip():
        raise DomainError(
            ErrorCode.REASON_REQUIRED,
            _("Staff must give a reason."),
            details={"reason": "required"},
        )


def _append(
    *,
    subject: Subject,
    purpose: ConsentPurpose,
    action: str,
    notice: Notice,
    language: str,
    channel: str,
    actor: Actor,
    reason: str,
) -> ConsentEvent:
    event = ConsentEvent.objects.create(
        subject=subject,
        purpose=purpose.key,
        notice_version=notice.version,
        notice_hash=notice.hash_for(purpose.key),
        language=language if language in LANGUAGES else "fi",
        channel=channel,
        action=action,
        actor_kind=actor.kind,
        actor_id=actor.id,
        reason=reason.strip()[:300],
    )
    current_consent_apply(event)  # the audience query's current-consent table
    audit_record(
        actor=actor,
        action=AUDIT_ACTIONS[action],
        subject_id=subject.public_id,
        purpose=purpose.key,
        context={
            "notice_version": notice.version,
            "channel": channel,
            "receipt": str(event.public_id),
        },
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
    """Record consent to the purpose's current notice.

    ``notice_version`` is the version the person was shown: an unknown one is a
    validation error, an older one a conflict (they must read the current notice).
    Giving again what is already given to the current notice appends nothing and
    returns the existing event.
    """
    require_actor(actor)
    purpose = purpose_get(purpose_key)
    notice = _notice(purpose, notice_version or purpose.current.version)
    if notice != purpose.current:
        raise DomainError(
            ErrorCode.NOTICE_CHANGED,
            _("The notice has changed. Read the current notice and decide again."),
            details={
                "purpose": purpose.key,
                "notice_version": notice.version,
                "current_version": purpose.current.version,
            },
        )
    _check_channel(channel=channel, actor=actor, reason=reason)
    latest = latest_event(subject=subject, purpose=purpose.key)
    if (
        latest is not None
        and latest.action == ConsentEvent.Action.GIVEN
        and latest.notice_version == notice.version
    ):
        return latest
    return _append(
        subject=subject,
        purpose=purpose,
        action=ConsentEvent.Action.GIVEN,
        notice=notice,
        language=language,
        channel=channel,
        actor=actor,
        reason=reason,
    )


def _clear_health_data(*, subject: Subject, actor: Actor) -> None:
    for item in ITEMS:
        if item.special_category and item.in_profile:
            profile_item_clear(subject=subject, item_key=item.key, actor=actor)


@transaction.atomic
def consent_withdraw(
    *,
    subject: Subject,
    purpose_key: str,
    language: str,
    channel: str,
    actor: Actor,
    notice_version: str | None = None,
    reason: str = "",
) -> ConsentEvent | None:
    """Record withdrawal. Withdrawing health-data consent deletes the allergies at once.

    Withdrawal works from any known notice version (it must never be harder than
    giving). Returns None when there was no consent to withdraw.
    """
    require_actor(actor)
    purpose = purpose_get(purpose_key)
    notice = _notice(purpose, notice_version or purpose.current.version)
    _check_channel(channel=channel, actor=actor, reason=reason)
    latest = latest_event(subject=subject, purpose=purpose.key)
    if latest is None or latest.action != ConsentEvent.Action.GIVEN:
        return None
    event = _append(
        subject=subject,
        purpose=purpose,
        action=ConsentEvent.Action.WITHDRAWN,
        notice=notice,
        language=language,
        channel=channel,
        actor=actor,
        reason=reason,
    )
    if purpose.key == "health_data":
        _clear_health_data(subject=subject, actor=actor)
    return event


@transaction.atomic
def consent_expire(*, subject: Subject, purpose_key: str, actor: Actor) -> ConsentEvent | None:
    """Record that a given consent has expired (a scheduled task, as the system)."""
    require_actor(actor)
    if actor.kind != ActorKind.SYSTEM:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only the service expires consents."))
    purpose = purpose_get(purpose_key)
    latest = latest_event(subject=subject, purpose=purpose.key)
    if latest is None or latest.action != ConsentEvent.Action.GIVEN:
        return None
    event = _append(
        subject=subject,
        purpose=purpose,
        action=ConsentEvent.Action.EXPIRED,
        notice=_notice(purpose, latest.notice_version),
        language=latest.language,
        channel=latest.channel if latest.channel != ConsentEvent.Channel.STAFF else "web",
        actor=actor,
        reason="",
    )
    if purpose.key == "health_data":
        _clear_health_data(subject=subject, actor=actor)
    return event


@transaction.atomic
def cookie_choice_record(
    *, subject: Subject, accepted: bool, language: str, actor: Actor
) -> ConsentEvent | None:
    """The cookie banner's choice: accepting gives, rejecting withdraws.

    A rejection is recorded even when nothing was given before, so the choice is
    proof that the banner was answered; a repeated choice appends nothing.
    """
    require_actor(actor)
    purpose = purpose_get("non_essential_cookies")
    channel = ConsentEvent.Channel.WEB
    if accepted:
        return consent_give(
            subject=subject,
            purpose_key=purpose.key,
            language=language,
            channel=channel,
            actor=actor,
        )
    _check_channel(channel=channel, actor=actor, reason="")
    latest = latest_event(subject=subject, purpose=purpose.key)
    if latest is not None and latest.action != ConsentEvent.Action.GIVEN:
        return latest
    return _append(
        subject=subject,
        purpose=purpose,
        action=ConsentEvent.Action.WITHDRAWN,
        notice=purpose.current,
        language=language,
        channel=channel,
        actor=actor,
        reason="",
    )


@transaction.atomic
def consent_history_read(
    *, subject: Subject, moment: datetime, reason: str, actor: Actor
) -> tuple[list[ConsentState], list[ConsentEvent]]:
    """Staff handling a complaint: every purpose's state at ``moment`` and the whole event
    history, recorded in the audit log with the stated reason before it is returned."""
    require_actor(actor)
    if actor.kind != ActorKind.STAFF or actor.role not in ON_BEHALF_ROLES:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Your role may not read consents."))
    if not reason.strip():
        raise DomainError(
            ErrorCode.REASON_REQUIRED,
            _("Staff must give a reason."),
            details={"reason": "required"},
        )
    audit_record(
        actor=actor,
        action=AuditAction.CONSENT_HISTORY_READ,
        subject_id=subject.public_id,
        items=["direct_marketing"],
        purpose=reason.strip(),
        context={"at": moment.isoformat()},
    )
    return (
        consent_states(subject=subject, at=moment),
        list(consent_events(subject=subject)),
    )
