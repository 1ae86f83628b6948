"""The person's card and visit pages in a real browser: phone and desktop screenshots,
blocking a card, and the phone QR code renewing itself without a reload."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.cards.services import card_change_start, card_issue_kliento
from kliento.register.services import subject_of
from tests.browser.conftest import DESKTOP, PHONE, screenshot
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


def visits(number: str, *worlds: tuple[MerchantWorld, int | None]) -> None:
    api = Client()
    for world, amount in worlds:
        body: dict[str, object] = {"card": number}
        if amount is not None:
            body["amount"] = amount
        response = api.post(
            "/api/v1/checkins", json.dumps(body), content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {world.token}",
        )  # fmt: skip
        assert response.status_code == 201, response.content


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_cards_and_visits_pages(
    new_context: Callable[..., BrowserContext], cardholder: User,
    merchant_a: MerchantWorld, merchant_b: MerchantWorld, size: str,
) -> None:  # fmt: skip
    subject = subject_of(cardholder)
    system = Actor.system("tests")
    _card, number, _code = card_issue_kliento(actor=system, holder=subject)
    _lost, lost_number, _code2 = card_issue_kliento(actor=system, holder=subject)
    visits(number, (merchant_a, 1250), (merchant_b, None), (merchant_a, 400), (merchant_a, None))
    page = new_context(viewport=PHONE if size == "phone" else DESKTOP).new_page()
    log_in(page, cardholder.email)

    page.goto("/profile/cards/")
    expect(page.get_by_role("heading", name="Your cards")).to_be_visible()
    expect(page.locator(".card-number", has_text=lost_number[-4:])).to_be_visible()
    page.get_by_role("link", name=f"Lost it? Block this card •••• {lost_number[-4:]}").click()
    screenshot(page, f"cards-block-{size}-en")
    page.get_by_role("button", name="Block the card").click()
    expect(page.get_by_role("status")).to_contain_text("is blocked")
    expect(page.locator(".card-tile-blocked")).to_have_count(1)
    screenshot(page, f"cards-list-{size}-en")

    page.get_by_role("link", name="Register a card").click()
    page.get_by_label("Card number").fill("9246 0000 0000 0001")
    page.get_by_label("Registration code").fill("ABCDEFGH")
    page.get_by_role("button", name="Register the card").click()
    expect(page.locator(".errorlist")).to_contain_text("its last digit does not match")
    screenshot(page, f"cards-register-error-{size}-en")

    page.goto("/profile/visits/")
    expect(page.locator(".visit")).to_have_count(4)
    expect(page.locator(".visit").first).to_contain_text("Kahvila Aalto")
    expect(page.get_by_text("+22 points")).to_be_visible()
    screenshot(page, f"visits-{size}-en")


def test_the_phone_qr_renews_itself_and_a_card_change(
    new_context: Callable[..., BrowserContext], cardholder: User, merchant_a: MerchantWorld
) -> None:
    _card, number, _code = card_issue_kliento(
        actor=Actor.system("tests"), holder=subject_of(cardholder)
    )
    _change, change_code = card_change_start(
        new_card_input="04A22B1C9F5180", actor=merchant_a.actor(merchant_a.cashier)
    )
    page = new_context(viewport=PHONE).new_page()
    log_in(page, cardholder.email)

    page.goto("/profile/cards/qr/")
    image = page.locator(".phone-qr-image svg")
    expect(image).to_be_visible()
    first = image.inner_html()
    screenshot(page, "cards-qr-phone-en")
    # The page renews the code every 30 s, and at once when it becomes visible again.
    page.wait_for_timeout(1100)  # tokens are signed to the second
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("#phone-qr[data-renewed]")).to_have_count(1)
    assert page.locator(".phone-qr-image svg").inner_html() != first

    page.goto("/profile/cards/change/")
    page.get_by_label("Change code").fill(change_code)
    page.get_by_role("button", name="Replace the card").click()
    expect(page.get_by_role("status")).to_contain_text("•••• 5180 replaces card")
    expect(page.locator(".card-tile-replaced .card-number")).to_have_text(f"•••• {number[-4:]}")
    screenshot(page, "cards-after-change-phone-en")
