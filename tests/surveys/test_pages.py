"""The pages: marketing's /staff/surveys/ (role rules, form errors, totals only, draw and
its check) and the person's /profile/surveys/ (answer once, clear refusals)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.surveys import services
from kliento.surveys.models import Draw, Response, Survey
from tests.surveys.conftest import answers, close, give, make_survey

pytestmark = pytest.mark.django_db

LIST = "/staff/surveys/"
NEW = "/staff/surveys/new/"
PERSON_LIST_QUERIES = 7
STAFF_LIST_QUERIES = 5  # the staff guard reads the roles once
SECRET_ANSWER = "Qzpagesentinel please more oat milk"


def staff_client(staff_user: Any, role: StaffRole) -> Client:
    return client_of(staff_user(role))


def client_of(user: User | None) -> Client:
    assert user is not None
    TOTP.activate(user, pyotp.random_base32())
    client = Client()
    client.force_login(user)
    return client


def person_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(survey: Survey, action: str = "detail") -> str:
    return reverse(f"staff_surveys:{action}", args=[survey.public_id])


def answer_url(survey: Survey) -> str:
    return reverse("surveys:answer", args=[survey.public_id])


def form_data(**change: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "kind": "survey",
        **{f"title_{lang}": f"Bakery survey {lang}" for lang in ("fi", "sv", "en")},
        **{f"intro_{lang}": f"Tell us {lang}" for lang in ("fi", "sv", "en")},
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=14)).isoformat(),
        "winners_count": "0",
        "questions-TOTAL_FORMS": "5",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "5",
        "questions-0-kind": "single",
        **{f"questions-0-text_{lang}": f"Best bun {lang}" for lang in ("fi", "sv", "en")},
        "questions-0-options": "Korvapuusti | Kanelbulle | Cinnamon roll\nPulla | Bulle | Bun",
        "questions-1-kind": "scale",
        **{f"questions-1-text_{lang}": f"How happy {lang}" for lang in ("fi", "sv", "en")},
    }
    data.update(change)
    return data


@pytest.mark.parametrize("role", [r for r in StaffRole if r != StaffRole.MARKETING])
def test_only_marketing_opens_the_survey_pages(staff_user: Any, role: StaffRole) -> None:
    client = staff_client(staff_user, role)
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    assert not Survey.objects.exists()


def test_a_person_cannot_open_the_staff_pages(cardholder_client: Client) -> None:
    assert cardholder_client.get(LIST).status_code in (302, 404)
    assert cardholder_client.post(NEW, form_data()).status_code in (302, 404)
    assert not Survey.objects.exists()


def test_marketing_creates_a_survey_from_the_form(marketing: Actor) -> None:
    client = client_of(marketing.user)
    assert client.get(NEW).status_code == 200

    response = client.post(NEW, form_data())

    survey = Survey.objects.get()
    assert response["Location"] == detail(survey)
    assert survey.title_sv == "Bakery survey sv"
    assert [q.kind for q in survey.questions.all()] == ["single", "scale"]
    assert survey.questions.first().options[1] == {"fi": "Pulla", "sv": "Bulle", "en": "Bun"}  # type: ignore[union-attr]
    assert client.get(LIST).content.decode().count(f'href="{detail(survey)}"') == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title_sv": ""}, b"This field is required"),
        ({"ends_on": "2020-01-01"}, b"The end date must not be before the start date"),
        ({"kind": "draw", "winners_count": "0"}, b"A prize draw needs at least one winner"),
        ({"questions-0-options": "Only | one | option"}, b"at least two options"),
        ({"questions-0-options": "no pipes here\nnor here"}, b"Finnish | Swedish | English"),
        ({"questions-1-text_en": ""}, b"Write the question in this language"),
        ({"questions-1-options": "A | B | C\nD | E | F"}, b"Only choice questions have options"),
        (
            {
                "questions-0-kind": "",
                "questions-0-text_fi": "",
                "questions-0-text_sv": "",
                "questions-0-text_en": "",
                "questions-0-options": "",
                "questions-1-kind": "",
                "questions-1-text_fi": "",
                "questions-1-text_sv": "",
                "questions-1-text_en": "",
            },
            b"Add at least one question",
        ),
    ],
)
def test_bad_input_shows_form_errors_and_saves_nothing(
    staff_user: Any, change: dict[str, str], message: bytes
) -> None:
    client = staff_client(staff_user, StaffRole.MARKETING)
    client.cookies["django_language"] = "en"  # English messages, whatever the default

    response = client.post(NEW, form_data(**change))

    assert response.status_code == 200
    assert message in response.content
    assert not Survey.objects.exists()


def test_results_show_totals_as_a_chart_and_never_an_answer(
    cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    services.response_submit(
        survey=survey,
        subject=give(cardholder, "surveys"),
        answers=answers(SECRET_ANSWER),
        actor=Actor.person(cardholder),
    )
    client = client_of(marketing.user)

    page = client.get(detail(survey)).content.decode()

    assert "<svg" in page
    assert "Qzpagesentinel" not in page
    assert 'class="survey-bar-count">1<' in page
    assert not AuditEntry.objects.filter(action__startswith="profile.").exists()


def test_marketing_runs_and_checks_a_draw_from_the_page(
    cardholder: User, other_cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing, kind="draw", winners=1)
    for user in (cardholder, other_cardholder):
        services.response_submit(
            survey=survey,
            subject=give(user, "prize_draws"),
            answers=answers(),
            actor=Actor.person(user),
        )
    client = client_of(marketing.user)
    client.cookies["django_language"] = "en"
    assert b"after the closing day" in client.get(detail(survey)).content
    assert client.post(detail(survey, "draw")).status_code == 302
    assert not Draw.objects.exists()  # still open: refused
    close(survey)

    client.post(detail(survey, "draw"))
    draw = Draw.objects.get()
    page = client.get(detail(survey)).content.decode()
    assert draw.seed in page
    assert draw.winners[0] in page

    client.post(detail(survey, "verify"))
    page = client.get(detail(survey)).content.decode()
    assert page.count("message-success") >= 1
    assert AuditEntry.objects.filter(action="survey.draw_verify").count() == 1


def test_a_person_answers_once_and_sees_their_answers(cardholder: User, marketing: Actor) -> None:
    survey = make_survey(marketing)
    give(cardholder, "surveys")
    client = person_client(cardholder)
    client.cookies["django_language"] = "en"
    assert survey.title_en.encode() in client.get("/profile/surveys/").content
    post = {"q1": "1", "q2": ["0", "1"], "q3": "5", "q4": SECRET_ANSWER}

    response = client.post(answer_url(survey), post, follow=True)

    assert SECRET_ANSWER.encode() in response.content
    assert Response.objects.count() == 1
    again = client.post(answer_url(survey), {**post, "q4": "Second"}, follow=True)
    assert Response.objects.count() == 1
    assert b"Second" not in again.content
    assert b"You have already answered this survey" in again.content
    assert again.redirect_chain[-1][0] == answer_url(survey)


def test_without_consent_the_page_says_so_and_stores_nothing(
    cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    client = person_client(cardholder)
    client.cookies["django_language"] = "en"
    page = client.get(answer_url(survey)).content.decode()
    assert "only for people who have consented" in page
    assert "<textarea" not in page
    response = client.post(answer_url(survey), {"q1": "0", "q2": ["0"], "q3": "3", "q4": "x"})
    assert response.status_code == 302
    assert not Response.objects.exists()


def test_a_closed_survey_is_not_found_unless_answered(cardholder: User, marketing: Actor) -> None:
    survey = make_survey(marketing)
    give(cardholder, "surveys")
    close(survey)
    client = person_client(cardholder)
    assert client.get(answer_url(survey)).status_code == 404
    assert client.post(answer_url(survey), {"q1": "0"}).status_code == 404
    assert answer_url(survey) not in client.get("/profile/surveys/").content.decode()
    assert not Response.objects.exists()


def test_bad_answers_show_errors_and_store_nothing(cardholder: User, marketing: Actor) -> None:
    survey = make_survey(marketing)
    give(cardholder, "surveys")
    client = person_client(cardholder)
    response = client.post(answer_url(survey), {"q1": "7", "q3": "9", "q4": ""})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Response.objects.exists()


@pytest.mark.parametrize("surveys", [1, 4])
def test_the_lists_pin_their_query_counts(
    cardholder: User, marketing: Actor, surveys: int, django_assert_num_queries: Any
) -> None:
    for _ in range(surveys):
        make_survey(marketing)
        make_survey(marketing, kind="draw", winners=1)
    give(cardholder, "surveys")
    person = person_client(cardholder)
    person.get("/profile/surveys/")  # the subject and session exist from here on
    staff = client_of(marketing.user)
    staff.get(LIST)

    with django_assert_num_queries(PERSON_LIST_QUERIES):
        assert person.get("/profile/surveys/").status_code == 200
    with django_assert_num_queries(STAFF_LIST_QUERIES):
        assert staff.get(LIST).status_code == 200


def test_an_empty_post_shows_errors_and_saves_nothing(cardholder: User, marketing: Actor) -> None:
    survey = make_survey(marketing)
    give(cardholder, "surveys")
    person = person_client(cardholder)
    assert b"errorlist" in person.post(answer_url(survey), {}).content
    staff = client_of(marketing.user)
    assert b"errorlist" in staff.post(NEW, {}).content
    assert Survey.objects.count() == 1
    assert not Response.objects.exists()
