"""A cashier checks a card in on the check-in screen and redeems the reward it earns;
screenshots of the merchant portal's main pages at desktop and phone widths."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.models import User
from kliento.visits.models import Reward, Visit
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.conftest import MerchantWorld
from tests.merchants.conftest import check_in

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_page(
    new_context: Callable[..., BrowserContext], user: User, viewport: dict[str, int]
) -> Page:
    """A page whose browser carries ``user``'s session cookie (no login form needed)."""
    client = Client()
    client.force_login(user)
    context = new_context(viewport=viewport)
    context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": _base(context)},
    ])  # fmt: skip
    return context.new_page()


def _base(context: BrowserContext) -> str:
    page = context.new_page()
    page.goto("/healthz")
    origin = page.evaluate("location.origin")
    page.close()
    return str(origin)


def scan(page: Page, card: str) -> None:
    """What a keyboard-wedge reader does: type the number into the focused field, then Enter."""
    field = page.get_by_label("Card number or code")
    expect(field).to_be_focused()
    page.keyboard.type(card)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_cashier_checks_in_a_card_and_redeems_the_reward(
    new_context: Callable[..., BrowserContext],
    merchant_a: MerchantWorld,
    viewport: dict[str, int],
    size: str,
) -> None:
    page = signed_in_page(new_context, merchant_a.cashier, viewport)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A refused card answers 422 on purpose; any other console error is a defect.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "status of 422" not in msg.text
            else None
        ),
    )
    page.goto("/merchant/")
    expect(page.get_by_role("heading", name="Check-in", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Scan a QR code with the camera")).to_be_hidden()

    scan(page, "0123ABCD")
    expect(page.get_by_role("heading", name="Checked in")).to_be_visible()
    expect(page.get_by_text("Unregistered card")).to_be_visible()
    expect(page.get_by_text("1 / 3 stamps")).to_be_visible()
    expect(page.get_by_text("+10 points")).to_be_visible()
    if size == "desktop":
        screenshot(page, "merchant-checkin-result-desktop")

    scan(page, "0123 ABCD")
    scan(page, "0123abcd")
    expect(page.get_by_text("the card is full, Free lunch earned!")).to_be_visible()
    screenshot(page, f"merchant-checkin-reward-{size}")
    assert Visit.objects.filter(cashier=merchant_a.cashier).count() == 3

    page.get_by_role("button", name="Redeem now").click()
    expect(page.get_by_text("Reward redeemed: Free lunch.")).to_be_visible()
    assert Reward.objects.get().status == Reward.Status.REDEEMED

    scan(page, "9246 0000 0000 0001")
    expect(page.get_by_role("alert").first).to_contain_text("The last digit does not match")
    screenshot(page, f"merchant-checkin-error-{size}")
    assert Visit.objects.count() == 3
    assert errors == []  # checkin.js runs cleanly, within the Content-Security-Policy


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_owners_pages_render(
    new_context: Callable[..., BrowserContext],
    merchant_a: MerchantWorld,
    viewport: dict[str, int],
    size: str,
) -> None:
    check_in(merchant_a, amount_cents=1250)
    for n in range(4):
        check_in(merchant_a, card=f"0123AB{n:02X}")
    page = signed_in_page(new_context, merchant_a.owner, viewport)
    mid = merchant_a.merchant.public_id

    page.goto(f"/merchant/{mid}/")
    expect(page.get_by_role("img", name="Visits per day")).to_be_visible()
    screenshot(page, f"merchant-dashboard-{size}")

    page.goto(f"/merchant/{mid}/terminals/")
    page.get_by_label("Name").fill("Till 2")
    page.get_by_role("button", name="Create the terminal").click()
    expect(page.get_by_text("Copy it now: it is shown only this once.")).to_be_visible()
    screenshot(page, f"merchant-terminals-{size}")

    page.goto(f"/merchant/{mid}/programs/")
    expect(page.get_by_text("Free lunch after 3 stamps")).to_be_visible()
    screenshot(page, f"merchant-programs-{size}")

    page.goto(f"/merchant/{mid}/programs/new/")
    screenshot(page, f"merchant-program-form-{size}")

    page.goto(f"/merchant/{mid}/visits/")
    screenshot(page, f"merchant-visits-{size}")

    page.goto(f"/merchant/{mid}/staff/")
    screenshot(page, f"merchant-staff-{size}")
