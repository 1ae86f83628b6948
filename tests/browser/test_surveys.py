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
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.surveys.models import Response
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.conftest import make_user
from tests.surveys.conftest import give, make_survey

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
