"""Creating surveys, answering them once with consent, and the totals staff see."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.common.errors import DomainError, ErrorCode
from kliento.register import catalogue
from kliento.register.services import subject_of
from kliento.surveys import draws, services
from kliento.surveys.models import Question, Response, Survey, Tally
from kliento.surveys.services import QuestionDraft
from tests.surveys.conftest import answers, close, give, make_survey, texts, withdraw

pytestmark = pytest.mark.django_db

OTHER_ROLES = [r for r in StaffRole if r != StaffRole.MARKETING]


def _counts(survey: Survey) -> dict[tuple[int, int], int]:
    return {
        (t.question.position, t.option): t.count
        for t in Tally.objects.filter(question__survey=survey).select_related("question")
    }


# --- role rules ---------------------------------------------------------------------------


def test_marketing_creates_a_survey_with_questions_and_an_audit_entry(marketing: Actor) -> None:
    survey = make_survey(marketing)

    assert survey.questions.count() == 4
    assert [q.kind for q in survey.questions.all()] == ["single", "multiple", "scale", "text"]
    assert Tally.objects.filter(question__survey=survey).count() == 2 + 3 + 5 + 1
    entry = AuditEntry.objects.get(action="survey.create")
    assert entry.actor_role == StaffRole.MARKETING
    assert entry.context["survey"] == str(survey.public_id)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_staff_roles_may_not_create_surveys(staff_user: Any, role: StaffRole) -> None:
    actor = Actor.staff(staff_user(role), role.value)
    with pytest.raises(DomainError) as raised:
        make_survey(actor)
    assert raised.value.code == ErrorCode.PERMISSION_DENIED
    assert not Survey.objects.exists()


def test_a_person_may_not_create_surveys_or_read_results(
    cardholder: User, marketing: Actor
) -> None:
    with pytest.raises(DomainError) as raised:
        make_survey(Actor.person(cardholder))
    assert raised.value.code == ErrorCode.PERMISSION_DENIED
    survey = make_survey(marketing)
    with pytest.raises(DomainError):
        services.survey_results(survey=survey, actor=Actor.person(cardholder))


# --- bad input ----------------------------------------------------------------------------

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    "change",
    [
        {"titles": {"fi": "Kysely", "sv": "Enkät", "en": " "}},
        {"intros": {"fi": "x", "sv": "", "en": "x"}},
        {"ends_on": TODAY - dt.timedelta(days=1), "starts_on": TODAY},
        {"questions": []},
        {"questions": [QuestionDraft("single", texts("Q"), [texts("Only one")])]},
        {"questions": [QuestionDraft("text", texts("Q"), [texts("A"), texts("B")])]},
        {"questions": [QuestionDraft("slider", texts("Q"))]},
        {"questions": [QuestionDraft("text", {"fi": "Q", "sv": "Q", "en": ""})]},
        {"kind": "draw", "winners_count": 0},
        {"kind": "lottery"},
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    marketing: Actor, change: dict[str, Any]
) -> None:
    with pytest.raises(DomainError) as raised:
        make_survey(marketing, **change)
    assert raised.value.code == ErrorCode.VALUE_INVALID
    assert not Survey.objects.exists()
    assert not Question.objects.exists()
    assert not AuditEntry.objects.filter(action="survey.create").exists()


# --- eligibility and answering ------------------------------------------------------------------


def test_a_consenting_person_answers_once_and_sees_their_own_answers(
    cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, "surveys")
    me = Actor.person(cardholder)

    services.response_submit(survey=survey, subject=subject, answers=answers("Great"), actor=me)

    with override("en"):
        own = services.response_read_own(survey=survey, subject=subject, actor=me)
    assert [a.display for a in own] == ["Coffee en", "Bread en, Cake en", "4", "Great"]
    entry = AuditEntry.objects.get(action="survey.answer")
    assert entry.subject_id == subject.public_id
    assert entry.items == ["survey_answers"]
    assert _counts(survey)[(1, 0)] == 1
    assert _counts(survey)[(3, 3)] == 1  # the scale's 4


def test_a_second_answer_is_refused_and_changes_nothing(cardholder: User, marketing: Actor) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, "surveys")
    me = Actor.person(cardholder)
    services.response_submit(survey=survey, subject=subject, answers=answers("First"), actor=me)
    before = _counts(survey)

    with pytest.raises(DomainError, match="already answered") as raised:
        services.response_submit(
            survey=survey, subject=subject, answers=answers("Second", single=1), actor=me
        )

    assert raised.value.code == ErrorCode.ALREADY_ANSWERED
    assert Response.objects.filter(survey=survey).count() == 1
    assert _counts(survey) == before
    own = services.response_read_own(survey=survey, subject=subject, actor=me)
    assert own[-1].display == "First"


@pytest.mark.parametrize("purpose", [None, "prize_draws", "email_marketing"])
def test_without_survey_consent_nothing_is_stored(
    cardholder: User, marketing: Actor, purpose: str | None
) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, purpose) if purpose else subject_of(cardholder)

    with pytest.raises(DomainError, match="consented to opinion") as raised:
        services.response_submit(
            survey=survey, subject=subject, answers=answers(), actor=Actor.person(cardholder)
        )

    assert raised.value.code == ErrorCode.PERMISSION_DENIED
    assert not Response.objects.exists()
    assert sum(_counts(survey).values()) == 0


def test_a_prize_draw_needs_the_prize_draw_consent(cardholder: User, marketing: Actor) -> None:
    draw = make_survey(marketing, kind="draw", winners=1)
    subject = give(cardholder, "surveys")
    me = Actor.person(cardholder)
    with pytest.raises(DomainError, match="prize draws"):
        services.response_submit(survey=draw, subject=subject, answers=answers(), actor=me)
    give(cardholder, "prize_draws")
    services.response_submit(survey=draw, subject=subject, answers=answers(), actor=me)
    assert AuditEntry.objects.get(action="survey.answer").items == ["prize_draw_entries"]


def test_withdrawn_consent_stops_answering(cardholder: User, marketing: Actor) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, "surveys")
    withdraw(cardholder, "surveys")
    with pytest.raises(DomainError):
        services.response_submit(
            survey=survey, subject=subject, answers=answers(), actor=Actor.person(cardholder)
        )
    assert not Response.objects.exists()


@pytest.mark.parametrize("when", ["closed", "not_open"])
def test_a_closed_or_future_survey_takes_no_answers(
    cardholder: User, marketing: Actor, when: str
) -> None:
    survey = make_survey(marketing)
    if when == "closed":
        close(survey)
        message = "closed"
    else:
        later = timezone.localdate() + dt.timedelta(days=3)
        Survey.objects.filter(pk=survey.pk).update(starts_on=later, ends_on=later)
        survey.refresh_from_db()
        message = "not opened"
    subject = give(cardholder, "surveys")
    with pytest.raises(DomainError, match=message):
        services.response_submit(
            survey=survey, subject=subject, answers=answers(), actor=Actor.person(cardholder)
        )
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {1: 5, 2: [0], 3: 3, 4: "x"},  # no such option
        {1: 0, 2: [], 3: 3, 4: "x"},  # nothing chosen
        {1: 0, 2: [0], 3: 6, 4: "x"},  # off the scale
        {1: 0, 2: [0], 3: 3, 4: "   "},  # empty text
        {1: 0, 2: [0], 3: 3, 4: "x" * 2001},  # too long
        {1: "coffee", 2: [0], 3: 3, 4: "x"},  # not an index
        {1: 0, 2: [0], 3: 3},  # a question left out
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(
    cardholder: User, marketing: Actor, bad: dict[int, Any]
) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, "surveys")
    with pytest.raises(DomainError) as raised:
        services.response_submit(
            survey=survey, subject=subject, answers=bad, actor=Actor.person(cardholder)
        )
    assert raised.value.code == ErrorCode.VALUE_INVALID
    assert not Response.objects.exists()
    assert sum(_counts(survey).values()) == 0


def test_no_one_answers_for_someone_else(
    cardholder: User, other_cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, "surveys")
    other = Actor.person(other_cardholder)
    with pytest.raises(DomainError) as raised:
        services.response_submit(survey=survey, subject=subject, answers=answers(), actor=other)
    assert raised.value.code == ErrorCode.PERMISSION_DENIED
    services.response_submit(
        survey=survey, subject=subject, answers=answers(), actor=Actor.person(cardholder)
    )
    with pytest.raises(DomainError):
        services.response_read_own(survey=survey, subject=subject, actor=other)


# --- results and retention ---------------------------------------------------------------------


def test_results_are_counts_per_answer(
    cardholder: User, other_cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    for user, single, scale in ((cardholder, 0, 5), (other_cardholder, 1, 5)):
        services.response_submit(
            survey=survey,
            subject=give(user, "surveys"),
            answers=answers(single=single, scale=scale),
            actor=Actor.person(user),
        )

    with override("en"):
        responses, results = services.survey_results(survey=survey, actor=marketing)

    assert responses == 2
    assert [(b.label, b.count) for b in results[0].bars] == [("Coffee en", 1), ("Tea en", 1)]
    assert [b.count for b in results[1].bars] == [2, 0, 2]
    assert [b.count for b in results[2].bars] == [0, 0, 0, 0, 2]
    assert results[3].bars == []
    assert results[3].answered == 2


def test_answers_are_deleted_after_their_declared_retention(
    cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, "surveys")
    services.response_submit(
        survey=survey, subject=subject, answers=answers(), actor=Actor.person(cardholder)
    )
    retention = catalogue.BY_KEY["survey_answers"].retention.period
    assert retention == dt.timedelta(days=730)
    system = Actor.system("retention")
    assert services.responses_purge_expired(today=survey.ends_on + retention, actor=system) == 0
    later = survey.ends_on + retention + dt.timedelta(days=1)
    assert services.responses_purge_expired(today=later, actor=system) == 1
    assert not Response.objects.exists()
    assert AuditEntry.objects.filter(action="survey.purge").count() == 1


def test_draw_entries_are_kept_a_year_from_the_draw(cardholder: User, marketing: Actor) -> None:
    draw = make_survey(marketing, kind="draw", winners=1)
    services.response_submit(
        survey=draw,
        subject=give(cardholder, "prize_draws"),
        answers=answers(),
        actor=Actor.person(cardholder),
    )
    close(draw, days_ago=200)  # closed long ago, drawn today
    draws.draw_run(survey=draw, actor=marketing)
    year = catalogue.BY_KEY["prize_draw_entries"].retention.period
    assert year == dt.timedelta(days=365)
    today = timezone.localdate()

    assert not services.responses_expired(today + dt.timedelta(days=200)).exists()
    assert services.responses_expired(today + year + dt.timedelta(days=1)).count() == 1


def test_the_purge_command_keeps_answers_within_their_retention(
    cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    services.response_submit(
        survey=survey,
        subject=give(cardholder, "surveys"),
        answers=answers(),
        actor=Actor.person(cardholder),
    )
    out = io.StringIO()
    call_command("surveys", "purge", stdout=out)
    assert "Deleted 0 expired responses." in out.getvalue()
    assert Response.objects.count() == 1


def test_withdrawing_consent_ends_the_retention_of_the_answers(
    cardholder: User, other_cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    for user in (cardholder, other_cardholder):
        services.response_submit(
            survey=survey,
            subject=give(user, "surveys"),
            answers=answers(),
            actor=Actor.person(user),
        )
    give(cardholder, "prize_draws")
    withdraw(cardholder, "prize_draws")  # another purpose: keeps the survey answers
    assert not services.responses_expired(timezone.localdate()).exists()

    withdraw(cardholder, "surveys")

    expired = services.responses_expired(timezone.localdate())
    assert [r.subject.user for r in expired] == [cardholder]
    system = Actor.system("retention")
    assert services.responses_purge_expired(today=timezone.localdate(), actor=system) == 1
    assert list(Response.objects.values_list("subject__user", flat=True)) == [other_cardholder.pk]
