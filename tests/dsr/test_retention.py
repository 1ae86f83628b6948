"""Retention with a frozen clock: each kind of record expires after its declared period,
and the dry run changes nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards.models import Card
from kliento.cards.services import card_issue_kliento
from kliento.consent import services as consent
from kliento.consent.models import ConsentEvent
from kliento.dsr import services
from kliento.dsr.models import DataSubjectRequest
from kliento.dsr.retention import BY_KEY, RETENTION, retention_plan, retention_run
from kliento.dsr.tasks import retention_run_task
from kliento.register import catalogue
from kliento.register.models import Subject
from kliento.surveys import services as surveys
from kliento.surveys.models import Response
from kliento.visits.models import Visit
from kliento.visits.services import checkin_record
from tests.conftest import MerchantWorld
from tests.dsr.conftest import make_request

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("retention")
DAY = timedelta(days=1)


def counts() -> dict[str, int]:
    return {report.kind.key: report.expired for report in retention_plan()}


def test_every_kind_names_a_catalogue_item_and_a_period() -> None:
    for kind in RETENTION:
        assert kind.item in catalogue.BY_KEY
        assert kind.retention.period is not None
        assert kind.action in {"delete", "anonymise"}
    # the periods the notice states are the ones applied
    assert BY_KEY["visits"].retention is catalogue.BY_KEY["visits"].retention
    assert BY_KEY["consent_events"].retention is catalogue.BY_KEY["direct_marketing"].retention
    assert BY_KEY["closed_requests"].retention is catalogue.BY_KEY["privacy_requests"].retention


def test_expired_sessions_are_deleted() -> None:
    store = SessionStore()
    store.set_expiry(60)
    store.create()
    assert counts()["sessions"] == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert counts()["sessions"] == 1
        retention_run(actor=SYSTEM)
    assert not Session.objects.exists()


def test_finished_mail_tasks_go_after_30_days(anna: Subject, service_actor: Actor) -> None:
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    queued = {
        "EMAIL_BACKEND": "kliento.config.mail.QueuedEmailBackend",
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    }
    with override_settings(**queued):
        make_request(service_actor)  # its confirmation mail waits in the task table
        make_request(service_actor)
    assert DBTaskResult.objects.count() == 2
    # one is delivered (the worker sets finished_at), the other still waits
    first = DBTaskResult.objects.order_by("enqueued_at").first()
    assert first is not None
    DBTaskResult.objects.filter(pk=first.pk).update(finished_at=timezone.now())
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        retention_run(actor=SYSTEM)
        assert DBTaskResult.objects.count() == 2
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        retention_run(actor=SYSTEM)
    # the delivered one (address and text of the mail) is gone; the waiting one stays
    assert list(DBTaskResult.objects.values_list("finished_at", flat=True)) == [None]


def test_an_unregistered_card_goes_after_two_years_without_use(merchant_a: MerchantWorld) -> None:
    _card, number, _code = card_issue_kliento(actor=SYSTEM)
    checkin_record(
        premises=merchant_a.premises, card_input=number, actor=merchant_a.actor(merchant_a.cashier)
    )
    period = BY_KEY["unregistered_cards"].period
    with time_machine.travel(timezone.now() + period - DAY):
        assert counts()["unregistered_cards"] == 0
        retention_run(actor=SYSTEM)
        assert Card.objects.count() == 1
    with time_machine.travel(timezone.now() + period + DAY):
        retention_run(actor=SYSTEM)
    assert not Card.objects.exists()
    # its visit stays as an anonymous count for the merchant
    visit = Visit.objects.get()
    assert visit.card_id is None


def test_a_registered_card_is_kept(anna: Subject) -> None:
    card_issue_kliento(actor=SYSTEM, holder=anna)
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        retention_run(actor=SYSTEM)
    assert Card.objects.filter(holder=anna).count() == 1


def test_old_visits_are_anonymised_not_deleted(anna: Subject, merchant_a: MerchantWorld) -> None:
    _card, number, _code = card_issue_kliento(actor=SYSTEM, holder=anna)
    checkin_record(
        premises=merchant_a.premises, card_input=number, amount_cents=1250,
        actor=merchant_a.actor(merchant_a.cashier),
    )  # fmt: skip
    period = catalogue.BY_KEY["visits"].retention.period
    assert period is not None
    with time_machine.travel(timezone.now() + period - DAY):
        retention_run(actor=SYSTEM)
        assert Visit.objects.get().card is not None
    with time_machine.travel(timezone.now() + period + DAY):
        retention_run(actor=SYSTEM)
    visit = Visit.objects.get()
    assert visit.card_id is None
    assert visit.amount_cents == 1250  # the merchant's statistics keep the sum
    assert not visit.ledger.exists()  # nothing links it back to the card's points
    assert Card.objects.filter(holder=anna).exists()


def test_closed_requests_go_after_their_period(anna: Subject, service_actor: Actor) -> None:
    open_request = make_request(service_actor)
    closed = make_request(service_actor, verified=True)
    services.request_close(request=closed, status="completed", outcome="Sent.", actor=service_actor)
    period = catalogue.BY_KEY["privacy_requests"].retention.period
    assert period is not None
    with time_machine.travel(timezone.now() + period - DAY):
        retention_run(actor=SYSTEM)
        assert DataSubjectRequest.objects.count() == 2
    with time_machine.travel(timezone.now() + period + DAY):
        retention_run(actor=SYSTEM)
    # an open request is never deleted, however old
    assert list(DataSubjectRequest.objects.all()) == [open_request]


def test_an_applied_objection_outlives_the_request_period(
    anna: Subject, service_actor: Actor
) -> None:
    objection = make_request(service_actor, "objection", verified=True)
    services.objection_apply(request=objection, actor=service_actor)
    services.request_close(
        request=objection, status="completed", outcome="Done.", actor=service_actor
    )
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        retention_run(actor=SYSTEM)
    assert DataSubjectRequest.objects.filter(pk=objection.pk).exists()


def test_consent_events_go_after_the_proof_period_only_when_withdrawn(anna: Subject) -> None:
    me = Actor.person(anna.user)  # type: ignore[arg-type]
    web = ConsentEvent.Channel.WEB
    consent.consent_give(
        subject=anna, purpose_key="sms_marketing", language="en", channel=web, actor=me
    )
    consent.consent_give(subject=anna, purpose_key="surveys", language="en", channel=web, actor=me)
    consent.consent_withdraw(
        subject=anna, purpose_key="surveys", language="en", channel=web, actor=me
    )
    period = catalogue.BY_KEY["direct_marketing"].retention.period
    assert period is not None
    with time_machine.travel(timezone.now() + period - DAY):
        retention_run(actor=SYSTEM)
        assert ConsentEvent.objects.count() == 3
    with time_machine.travel(timezone.now() + period + DAY):
        plan = counts()["consent_events"]
        retention_run(actor=SYSTEM)
    remaining = set(ConsentEvent.objects.values_list("purpose", "action"))
    # the consent in force keeps its proof
    assert ("sms_marketing", "given") in remaining
    # the withdrawn one is gone, unless another app still points at its newest event
    assert ("surveys", "given") not in remaining
    assert plan == 3 - ConsentEvent.objects.count()


def test_the_dry_run_changes_nothing(
    anna: Subject, service_actor: Actor, merchant_a: MerchantWorld
) -> None:
    _card, number, _code = card_issue_kliento(actor=SYSTEM)
    checkin_record(
        premises=merchant_a.premises, card_input=number, actor=merchant_a.actor(merchant_a.cashier)
    )
    closed = make_request(service_actor)
    services.request_close(
        request=closed, status="refused", outcome="Not you.", actor=service_actor
    )
    audit_before = AuditEntry.objects.count()
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        out = StringIO()
        call_command("retention", "run", "--dry-run", stdout=out)
        assert "unregistered_cards: 1 to delete" in out.getvalue()
        assert "visits: 1 to anonymise" in out.getvalue()
        assert "closed_requests: 1 to delete" in out.getvalue()
        assert "nothing was changed" in out.getvalue()
    assert Card.objects.count() == 1
    assert Visit.objects.filter(card__isnull=False).count() == 1
    assert DataSubjectRequest.objects.count() == 1
    assert AuditEntry.objects.count() == audit_before


def test_the_command_runs_with_progress_and_records_each_batch(merchant_a: MerchantWorld) -> None:
    for _ in range(3):
        card_issue_kliento(actor=SYSTEM)
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        out, err = StringIO(), StringIO()
        call_command("retention", "run", "--batch-size", "2", stdout=out, stderr=err)
    assert "unregistered_cards: 3 deleted" in out.getvalue()
    assert "expired records [" in err.getvalue()
    assert not Card.objects.exists()
    entries = AuditEntry.objects.filter(
        action="retention.delete", context__kind="unregistered_cards"
    )
    assert entries.count() == 2  # batches of 2 and 1


def test_the_scheduled_task_runs_the_same() -> None:
    card_issue_kliento(actor=SYSTEM)
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        result = retention_run_task.call()
    assert result["unregistered_cards"] == 1
    assert not Card.objects.exists()


def test_a_bad_batch_size_is_refused() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("retention", "run", "--batch-size", "0")


def test_survey_answers_go_with_the_retention_run_after_their_period(
    cardholder: User, staff_user: Any
) -> None:
    from tests.surveys.conftest import answers, close, give, make_survey

    marketing = Actor.staff(staff_user(StaffRole.MARKETING), StaffRole.MARKETING.value)
    survey = make_survey(marketing)
    surveys.response_submit(
        survey=survey, subject=give(cardholder, "surveys"), answers=answers(),
        actor=Actor.person(cardholder),
    )  # fmt: skip
    close(survey)
    period = catalogue.BY_KEY["survey_answers"].retention.period
    assert period is not None
    with time_machine.travel(timezone.now() + period - DAY):
        retention_run(actor=SYSTEM)
        assert Response.objects.count() == 1
    with time_machine.travel(timezone.now() + period + 2 * DAY):
        assert counts()["survey_responses"] == 1
        retention_run(actor=SYSTEM)
    assert not Response.objects.exists()
