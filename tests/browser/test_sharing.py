"""Sharing end to end: the person grants an item, the cashier checks the card in at the
merchant portal's check-in screen and sees it; the person withdraws it and the next
check-in no longer shows it. Screenshots of the sharing and Activity pages (fi, en)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.cards.services import card_issue_kliento
from kliento.register import services as register
from tests.browser.conftest import PHONE, screenshot
from tests.conftest import PASSWORD, MerchantWorld

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    reject = page.get_by_role("button", name="Reject")
    if reject.count():
        reject.click()
        page.wait_for_load_state()
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def cashier_checks_in(page: Page, world: MerchantWorld, number: str) -> None:
    page.goto(f"/merchant/{world.merchant.public_id}/checkin/")
    page.locator("input[name=card]").fill(number)
    page.get_by_role("button", name="Check in", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("[data-checkin-result]")).to_be_visible()


def test_grant_check_in_withdraw_check_in_again(
    new_context: Callable[..., BrowserContext], cardholder: User,
    merchant_a: MerchantWorld, merchant_b: MerchantWorld,
) -> None:  # fmt: skip
    subject = register.subject_of(cardholder)
    me = Actor.person(cardholder)
    register.profile_value_set(subject=subject, item_key="first_name", value="Anneli", actor=me)
    register.profile_value_set(subject=subject, item_key="shoe_size", value="39", actor=me)
    _card, number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=subject)
    api = Client()
    for world, amount in ((merchant_a, 1250), (merchant_b, 830), (merchant_a, 400)):
        response = api.post(
            "/api/v1/checkins", json.dumps({"card": number, "amount": amount}),
            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {world.token}",
        )  # fmt: skip
        assert response.status_code == 201, response.content

    person = new_context(locale="en-GB").new_page()
    log_in(person, cardholder.email)
    person.goto(f"/profile/sharing/{merchant_a.merchant.public_id}/")
    person.get_by_label("First name").check()
    person.get_by_role("button", name="Save choices").click()
    expect(person.get_by_text("sees the change now")).to_be_visible()
    screenshot(person, "sharing-merchant-en")

    cashier = new_context(locale="en-GB").new_page()
    log_in(cashier, merchant_a.cashier.email)
    cashier_checks_in(cashier, merchant_a, number)
    shared = cashier.locator("[data-checkin-result] dl.facts")
    expect(shared).to_contain_text("Anneli")
    screenshot(cashier, "sharing-checkin-granted")

    person.goto(f"/profile/sharing/{merchant_a.merchant.public_id}/")
    person.get_by_label("First name").uncheck()
    person.get_by_role("button", name="Save choices").click()
    expect(person.get_by_text("sees the change now")).to_be_visible()

    cashier_checks_in(cashier, merchant_a, number)
    result = cashier.locator("[data-checkin-result]")
    expect(result).to_contain_text("This customer shares nothing with you.")
    expect(result).not_to_contain_text("Anneli")

    person.goto("/profile/sharing/")
    screenshot(person, "sharing-index-en")
    person.goto("/profile/activity/")
    expect(person.get_by_text("Visit at Bistro Berg Kamppi").first).to_be_visible()
    expect(person.get_by_text("You stopped sharing with Kahvila Aalto").first).to_be_visible()
    assert not person.locator(
        "script[src*=facebook], img[src*=facebook], iframe[src*=facebook]"
    ).count()
    screenshot(person, "activity-en")

    finnish = new_context(locale="fi-FI").new_page()
    log_in(finnish, cardholder.email)
    finnish.goto("/profile/activity/")
    expect(finnish.locator("html")).to_have_attribute("lang", "fi")
    screenshot(finnish, "activity-fi")
    phone = new_context(locale="fi-FI", viewport=PHONE).new_page()
    log_in(phone, cardholder.email)
    phone.goto("/profile/activity/")
    screenshot(phone, "activity-fi-phone")
    phone.goto(f"/profile/sharing/{merchant_a.merchant.public_id}/")
    screenshot(phone, "sharing-merchant-fi-phone")
