"""The append-only event log: giving, withdrawing, expiry, past states, bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils.translation import gettext_lazy as _

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent import services
from kliento.consent.models import AppendOnlyError, ConsentEvent
from kliento.consent.purposes import PURPOSES, ConsentPurpose, Notice
from kliento.consent.selectors import consent_state_at, consent_states, has_consent
from kliento.register.models import Subject

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def give(subject: Subject, actor: Actor, key: str = "email_marketing", **kw: str) -> ConsentEvent:
    return services.consent_give(
        subject=subject, purpose_key=key, language="en", channel="web", actor=actor, **kw
    )


def withdraw(subject: Subject, actor: Actor, key: str = "email_marketing") -> ConsentEvent | None:
    return services.consent_withdraw(
        subject=subject, purpose_key=key, language="en", channel="web", actor=actor
    )


def test_giving_appends_an_event_with_notice_hash_language_channel_and_actor(
    subject: Subject, me: Actor
) -> None:
    event = services.consent_give(
        subject=subject, purpose_key="sms_marketing", language="sv", channel="web", actor=me
    )

    notice = PURPOSES["sms_marketing"].current
    assert (event.purpose, event.action, event.channel, event.language) == (
        "sms_marketing",
        "given",
        "web",
        "sv",
    )
    assert event.notice_version == notice.version
    assert event.notice_hash == notice.hash_for("sms_marketing")
    assert (event.actor_kind, event.actor_id) == ("person", me.id)
    assert has_consent(subject=subject, purpose="sms_marketing")
    assert not has_consent(subject=subject, purpose="email_marketing")  # none bundled
    assert AuditEntry.objects.filter(action="consent.given", purpose="sms_marketing").exists()


def test_withdrawal_appends_and_the_state_follows_the_newest_event(
    subject: Subject, me: Actor
) -> None:
    give(subject, me)
    withdrawn = withdraw(subject, me)

    assert withdrawn is not None
    assert withdrawn.action == "withdrawn"
    assert not has_consent(subject=subject, purpose="email_marketing")
    assert list(ConsentEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "given",
        "withdrawn",
    ]


def test_giving_or_withdrawing_twice_records_nothing_new(subject: Subject, me: Actor) -> None:
    first = give(subject, me)
    assert give(subject, me) == first
    withdraw(subject, me)
    assert withdraw(subject, me) is None

    assert ConsentEvent.objects.count() == 2


def test_the_state_at_any_past_moment_is_derived_from_the_events(
    subject: Subject, me: Actor
) -> None:
    with time_machine.travel(T0, tick=False):
        give(subject, me)
    with time_machine.travel(T1, tick=False):
        withdraw(subject, me)
    with time_machine.travel(T2, tick=False):
        give(subject, me)

    def state(moment: datetime) -> bool:
        return consent_state_at(subject=subject, purpose="email_marketing", moment=moment).active

    assert state(datetime(2026, 2, 28, tzinfo=UTC)) is False  # before anything
    assert state(T0) is True
    assert state(datetime(2026, 3, 4, tzinfo=UTC)) is True
    assert state(T1) is False
    assert state(datetime(2026, 3, 8, tzinfo=UTC)) is False
    assert state(T2) is True
    past = consent_states(subject=subject, at=datetime(2026, 3, 6, tzinfo=UTC))
    assert next(s for s in past if s.purpose.key == "email_marketing").event is not None


def test_expiry_is_an_event_of_the_service(subject: Subject, me: Actor) -> None:
    give(subject, me)
    with pytest.raises(DomainError):
        services.consent_expire(subject=subject, purpose_key="email_marketing", actor=me)

    event = services.consent_expire(
        subject=subject, purpose_key="email_marketing", actor=Actor.system("expiry")
    )

    assert event is not None
    assert event.action == "expired"
    assert not has_consent(subject=subject, purpose="email_marketing")


# --- notice versions ----------------------------------------------------------------


def test_a_notice_change_that_requires_it_asks_again(
    subject: Subject, me: Actor, versioned_purpose: Callable[..., ConsentPurpose]
) -> None:
    versioned_purpose()
    give(subject, me, key="newsletter")
    versioned_purpose(Notice("2", date(2026, 2, 1), _("Newsletter notice, now with partners.")))

    state = consent_state_at(subject=subject, purpose="newsletter", moment=datetime.now(tz=UTC))

    assert state.given
    assert state.needs_reconsent
    assert not state.active
    give(subject, me, key="newsletter", notice_version="2")
    assert has_consent(subject=subject, purpose="newsletter")


def test_a_wording_fix_keeps_the_consent(
    subject: Subject, me: Actor, versioned_purpose: Callable[..., ConsentPurpose]
) -> None:
    versioned_purpose()
    give(subject, me, key="newsletter")
    versioned_purpose(Notice("1.1", date(2026, 2, 1), _("Newsletter notice, typo fixed."), False))

    assert has_consent(subject=subject, purpose="newsletter")


# --- bad input: a clear error, nothing recorded ---------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"purpose_key": "telepathy"}, ErrorCode.VALUE_INVALID),
        ({"purpose_key": "email_marketing", "notice_version": "99"}, ErrorCode.VALUE_INVALID),
        ({"purpose_key": "email_marketing", "channel": "fax"}, ErrorCode.VALUE_INVALID),
        ({"purpose_key": "email_marketing", "channel": "staff"}, ErrorCode.PERMISSION_DENIED),
    ],
)
def test_bad_input_is_refused_and_nothing_is_recorded(
    subject: Subject, me: Actor, kwargs: dict[str, str], code: ErrorCode
) -> None:
    audit_before = AuditEntry.objects.count()
    arguments = {"subject": subject, "language": "en", "channel": "web", "actor": me, **kwargs}

    with pytest.raises(DomainError) as refused:
        services.consent_give(**arguments)  # type: ignore[arg-type]

    assert refused.value.code == code
    assert str(refused.value)
    assert ConsentEvent.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_giving_to_a_stale_notice_version_is_a_conflict(
    subject: Subject, me: Actor, versioned_purpose: Callable[..., ConsentPurpose]
) -> None:
    versioned_purpose(Notice("2", date(2026, 2, 1), _("Newsletter notice, now with partners.")))

    with pytest.raises(DomainError) as refused:
        give(subject, me, key="newsletter", notice_version="1")

    assert refused.value.code == ErrorCode.NOTICE_CHANGED
    assert refused.value.details["current_version"] == "2"
    assert ConsentEvent.objects.count() == 0


def test_withdrawing_an_unknown_purpose_records_nothing(subject: Subject, me: Actor) -> None:
    with pytest.raises(DomainError):
        withdraw(subject, me, key="telepathy")
    assert ConsentEvent.objects.count() == 0


# --- staff on the person's behalf -----------------------------------------------------


def test_staff_acting_for_the_person_must_give_a_reason(
    subject: Subject, staff_user: Callable[[StaffRole], User]
) -> None:
    agent = Actor.staff(staff_user(StaffRole.CUSTOMER_SERVICE), StaffRole.CUSTOMER_SERVICE)

    for reason in ("", "   "):
        with pytest.raises(DomainError) as refused:
            services.consent_withdraw(
                subject=subject,
                purpose_key="email_marketing",
                language="fi",
                channel="staff",
                actor=agent,
                reason=reason,
            )
        assert refused.value.code == ErrorCode.REASON_REQUIRED
        with pytest.raises(DomainError):
            services.consent_give(
                subject=subject,
                purpose_key="email_marketing",
                language="fi",
                channel="staff",
                actor=agent,
                reason=reason,
            )
    assert ConsentEvent.objects.count() == 0

    event = services.consent_give(
        subject=subject,
        purpose_key="email_marketing",
        language="fi",
        channel="staff",
        actor=agent,
        reason="Asked by phone, ticket 4711",
    )

    assert (event.channel, event.actor_kind, event.reason) == (
        "staff",
        "staff",
        "Asked by phone, ticket 4711",
    )


@pytest.mark.parametrize("channel", ["web", "staff"])
def test_marketing_staff_cannot_record_consent_for_a_person(
    subject: Subject, staff_user: Callable[[StaffRole], User], channel: str
) -> None:
    marketer = Actor.staff(staff_user(StaffRole.MARKETING), StaffRole.MARKETING)

    with pytest.raises(DomainError) as refused:
        services.consent_give(
            subject=subject,
            purpose_key="email_marketing",
            language="fi",
            channel=channel,
            actor=marketer,
            reason="I would like them to receive our news",
        )

    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert ConsentEvent.objects.count() == 0


# --- append-only ----------------------------------------------------------------------


def test_events_cannot_be_changed_or_deleted_through_the_orm(subject: Subject, me: Actor) -> None:
    event = give(subject, me)

    event.action = "withdrawn"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=event.pk).update(action="withdrawn")
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(Exception, match="protected"):
        subject.delete()

    assert ConsentEvent.objects.get(pk=event.pk).action == "given"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_in_the_database(subject: Subject, me: Actor) -> None:
    event = give(subject, me)

    for sql in (
        "UPDATE consent_consentevent SET action = 'withdrawn' WHERE id = %s",
        "DELETE FROM consent_consentevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])

    assert ConsentEvent.objects.get(pk=event.pk).action == "given"


def test_the_database_refuses_a_staff_event_without_a_reason(subject: Subject) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentEvent.objects.create(
            subject=subject,
            purpose="email_marketing",
            notice_version="1",
            notice_hash="0" * 64,
            language="fi",
            channel="staff",
            action="given",
            actor_kind="staff",
            actor_id="x",
            reason="",
        )


# --- the cookie banner's choice -------------------------------------------------------


def test_the_cookie_choice_of_a_signed_in_person_is_a_consent_event(
    subject: Subject, me: Actor
) -> None:
    rejected = services.cookie_choice_record(
        subject=subject, accepted=False, language="en", actor=me
    )
    again = services.cookie_choice_record(subject=subject, accepted=False, language="en", actor=me)
    accepted = services.cookie_choice_record(
        subject=subject, accepted=True, language="en", actor=me
    )

    assert rejected is not None
    assert rejected.action == "withdrawn"
    assert again == rejected
    assert accepted is not None
    assert accepted.action == "given"
    assert has_consent(subject=subject, purpose="non_essential_cookies")
    assert ConsentEvent.objects.count() == 2
