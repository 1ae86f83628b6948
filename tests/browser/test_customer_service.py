"""Customer service in a browser: paste a card number with spaces, open the person with a
reason, see the visit and the stamp balance, and correct the balance (phone and desktop)."""

from __future__ import annotations

from collections.abc import Callable

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import BrowserContext, expect

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards import identifiers
from kliento.cards.services import card_issue_kliento
from kliento.register import services as register
from kliento.visits.models import LedgerEntry
from kliento.visits.services import checkin_record
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_register_pages import log_in, staff_member
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_customer_service_finds_opens_and_corrects_a_balance(
    new_context: Callable[..., BrowserContext],
    cardholder: User,
    merchant_a: MerchantWorld,
    size: str,
) -> None:
    subject = register.subject_of(cardholder)
    _card, number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=subject)
    checkin_record(
        premises=merchant_a.premises, card_input=number, amount_cents=890,
        actor=merchant_a.actor(merchant_a.cashier),
    )  # fmt: skip
    agent = staff_member("service@kliento.example", StaffRole.CUSTOMER_SERVICE)
    secret = pyotp.random_base32()
    TOTP.activate(agent, secret)
    page = new_context(viewport=PHONE if size == "phone" else DESKTOP).new_page()
    log_in(page, agent.email, totp_secret=secret)

    # the card number pasted as printed, with spaces, without choosing what it is
    page.goto("/staff/people/")
    page.get_by_label("E-mail address, phone number or card number").fill(
        identifiers.format_kliento_number(number)
    )
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator(".staff-result")).to_have_count(1)
    screenshot(page, f"customer-service-search-{size}")

    page.locator(".staff-result").get_by_label("Reason for opening").fill(
        "Ticket 5150: stamp missing"
    )
    page.locator(".staff-result").get_by_role("button", name="Open profile").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Visits, points and stamps")).to_be_visible()
    visits = page.locator("table.person-table", has_text="Kahvila Aalto Kamppi")
    expect(visits.locator("tbody tr")).to_have_count(1)
    expect(visits).to_contain_text("8.90 €")
    stamps = page.locator(f"#program-{merchant_a.stamps.public_id}")
    expect(stamps.locator("[data-balance=stamps]")).to_have_text("1")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    screenshot(page, f"customer-service-person-{size}")

    # correct the stamp balance with a reason
    form = page.locator("form.person-correct")
    form.get_by_label("Loyalty program").select_option(str(merchant_a.stamps.public_id))
    form.get_by_label("Stamps to add or remove").fill("1")
    form.get_by_label("Reason").fill("Ticket 5150: the stamp of 3 Dec was not given")
    form.get_by_role("button", name="Save the correction").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("is corrected")
    expect(stamps.locator("[data-balance=stamps]")).to_have_text("2")
    screenshot(page, f"customer-service-corrected-{size}")

    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.CORRECTION)
    assert (entry.stamps, entry.reason) == (1, "Ticket 5150: the stamp of 3 Dec was not given")
    assert AuditEntry.objects.filter(action="ledger.correct", subject_id=subject.public_id).exists()
