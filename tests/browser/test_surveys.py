"""A person answers a survey in a real browser at phone width, sees their own answers and
cannot answer again; marketing sees the totals as a chart (screenshots of each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.surveys import services
from kliento.surveys.models import Response, Survey
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot
from tests.conftest import make_user
from tests.surveys.conftest import close, give, make_survey

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER = "More rye bread on Saturdays, please."


def open_as(
    new_context: Callable[..., BrowserContext], live_server: Any, user: User, **options: Any
) -> Page:
    """A page whose browser carries a session for ``user`` (login is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    context = new_context(**options)
    session = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    page.goto("/")
    reject = page.get_by_role("button", name="Reject")
    if reject.count():
        reject.first.click()
        expect(reject).to_have_count(0)
    return page


def test_a_person_answers_a_survey_and_marketing_sees_totals(
    new_context: Callable[..., BrowserContext], live_server: Any
) -> None:
    Group.objects.get_or_create(name=StaffRole.MARKETING.value)
    staff = make_user("marketing.browser@kliento.example", role=StaffRole.MARKETING)
    TOTP.activate(staff, pyotp.random_base32())
    survey = make_survey(
        Actor.staff(staff, StaffRole.MARKETING.value),
        titles={"fi": "Leipäkysely", "sv": "Brödenkät", "en": "Our bakery"},
        intros={
            "fi": "Kerro mielipiteesi.",
            "sv": "Berätta vad du tycker.",
            "en": "Tell us what you think of our bread and buns. It takes a minute.",
        },
    )
    person = make_user("answering.person@example.fi")
    give(person, "surveys")

    page = open_as(new_context, live_server, person, locale="en-GB", viewport=PHONE)
    page.goto(reverse("surveys:list"))
    screenshot(page, "surveys-list-phone")
    expect(page.get_by_role("heading", name="Surveys and prize draws")).to_be_visible()
    page.get_by_role("link", name="Answer").click()
    page.get_by_role("radio", name="Tea en").check()
    page.get_by_role("checkbox", name="Bread en").check()
    page.get_by_role("checkbox", name="Cake en").check()
    page.get_by_role("group", name="How happy en").get_by_role("radio", name="5").check()
    page.get_by_label("Anything else en").fill(ANSWER)
    screenshot(page, "surveys-answer-form-phone")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_text("Your answers have been saved")).to_be_visible()
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)
    screenshot(page, "surveys-own-answers-phone")
    assert Response.objects.filter(survey=survey).count() == 1

    staff_page = open_as(new_context, live_server, staff, locale="en-GB", viewport=DESKTOP)
    staff_page.goto(reverse("staff_surveys:detail", args=[survey.public_id]))
    expect(staff_page.get_by_role("heading", name="Results")).to_be_visible()
    expect(staff_page.locator("svg.survey-chart")).to_have_count(3)
    expect(staff_page.get_by_text(ANSWER)).to_have_count(0)
    screenshot(staff_page, "surveys-results-staff")


def test_marketing_creates_a_draw_runs_it_and_checks_it(
    new_context: Callable[..., BrowserContext], live_server: Any
) -> None:
    Group.objects.get_or_create(name=StaffRole.MARKETING.value)
    staff = make_user("marketing.draw@kliento.example", role=StaffRole.MARKETING)
    TOTP.activate(staff, pyotp.random_base32())
    page = open_as(new_context, live_server, staff, locale="en-GB", viewport=PHONE)
    page.goto(reverse("staff_surveys:new"))
    page.get_by_role("radio", name="Prize draw").check()
    for language in ("Finnish", "Swedish", "English"):
        page.get_by_label(f"Title in {language}").fill(f"Summer draw ({language})")
        page.get_by_label(f"Introduction in {language}").fill("Win a basket of buns.")
    page.get_by_label("Opens on").fill("2026-06-01")
    page.get_by_label("Closes on").fill("2026-05-01")  # before the opening: an error
    page.get_by_label("Number of winners").fill("1")
    first = page.get_by_role("group", name="Question 1")
    first.get_by_label("Question type").select_option("single")
    for language in ("Finnish", "Swedish", "English"):
        first.get_by_label(f"Question in {language}").fill(f"Favourite bun ({language})")
    first.get_by_label("Options").fill("Pulla | Bulle | Bun\nKorvapuusti | Kanelbulle | Roll")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The end date must not be before the start date.")).to_be_visible()
    screenshot(page, "surveys-new-error-phone")
    page.get_by_label("Closes on").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "surveys-new-error-phone-viewport.png"))
    assert not Survey.objects.exists()

    page.get_by_label("Closes on").fill("2026-06-30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Draw", exact=True)).to_be_visible()
    survey = Survey.objects.get()

    people = [make_user(f"entrant.{n}@example.fi") for n in range(3)]
    Survey.objects.filter(pk=survey.pk).update(
        starts_on=timezone.localdate(), ends_on=timezone.localdate()
    )
    survey.refresh_from_db()
    for person in people:
        services.response_submit(
            survey=survey,
            subject=give(person, "prize_draws"),
            answers={1: 0},
            actor=Actor.person(person),
        )
    close(survey)

    page.reload()
    page.get_by_role("button", name="Run the draw").click()
    expect(page.get_by_text("Drawn: 1 winner from 3 eligible entrants.")).to_be_visible()
    page.get_by_role("button", name="Reproduce and check the draw").click()
    expect(page.get_by_text("Reproduced: the same entrants and the same winners.")).to_be_visible()
    screenshot(page, "surveys-draw-checked-phone")
