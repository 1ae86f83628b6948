"""Merchant onboarding in a browser: a business applies from the front page, follows the
e-mailed link and sets a password, an administrator (with TOTP) approves it in the
back-office, and the new owner opens the merchant portal. Phone (390 px) and desktop."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.roles import StaffRole
from kliento.merchants.models import Merchant, MerchantApplication
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_register_pages import log_in, staff_member

pytestmark = pytest.mark.django_db(transaction=True)

OWNER_PASSWORD = "a long and unusual passphrase 81"


def no_cookies(page: Page) -> None:
    reject = page.get_by_role("button", name=re.compile("Reject|Hylkää"))
    if reject.count():
        reject.click()
        page.wait_for_load_state()


def fill_application(page: Page, business_id: str) -> None:
    page.locator("#id_business_name").fill("Kahvila Kukka Oy")
    page.locator("#id_business_id").fill(business_id)
    page.locator("#id_contact_name").fill("Kaisa Kukka")
    page.locator("#id_email").fill("kaisa@kukka.example")
    page.locator("#id_phone").fill("+358 40 123 4567")
    page.locator("#id_premises_name").fill("Kahvila Kukka, Kallio")
    page.locator("#id_street").fill("Helsinginkatu 5")
    page.locator("#id_postal_code").fill("00500")
    page.locator("#id_city").fill("Helsinki")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_apply_verify_approve_and_open_the_portal(
    new_context: Callable[..., BrowserContext],
) -> None:
    # the applicant, on a phone, in Finnish
    applicant = new_context(locale="fi-FI", viewport=PHONE).new_page()
    applicant.goto("/")
    no_cookies(applicant)
    applicant.locator("main a[href='/merchants/apply/']").click()
    applicant.wait_for_load_state()
    expect(applicant.locator("h1")).to_have_text("Ryhdy Kliento-yritykseksi")
    expect(applicant.locator("#id_language")).to_have_value("fi")
    screenshot(applicant, "merchant-apply-phone-fi")

    fill_application(applicant, "0112038-8")  # a wrong check digit
    expect(applicant.locator(".errorlist").first).to_contain_text("tarkistusmerkki")
    screenshot(applicant, "merchant-apply-error-phone-fi")
    assert MerchantApplication.objects.count() == 0

    applicant.locator("#id_business_id").fill("0112038-9")
    applicant.locator("main form button[type=submit]").click()
    applicant.wait_for_load_state()
    expect(applicant.locator("h1")).to_have_text("Tarkista sähköpostisi")

    (message,) = mail.outbox
    found = re.search(r"https?://[^/\s]+(/merchants/apply/verify/\S+/)", str(message.body))
    assert found is not None
    applicant.goto(found.group(1))
    screenshot(applicant, "merchant-apply-verify-phone-fi")
    applicant.locator("#id_password1").fill(OWNER_PASSWORD)
    applicant.locator("#id_password2").fill(OWNER_PASSWORD)
    applicant.locator("main form button[type=submit]").first.click()
    applicant.wait_for_load_state()
    expect(applicant.locator("h1")).to_have_text("Hakemus vahvistettu")
    applicant.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    screenshot(applicant, "merchant-apply-verified-desktop-fi")

    # the administrator, on a desktop, in English
    admin = staff_member("admin@kliento.example", StaffRole.ADMINISTRATOR)
    secret = pyotp.random_base32()
    TOTP.activate(admin, secret)
    staff = new_context(viewport=DESKTOP).new_page()
    log_in(staff, admin.email, totp_secret=secret)
    staff.goto("/staff/")
    staff.locator("a[href='/staff/merchants/']").click()
    staff.wait_for_load_state()
    expect(staff.locator("main table tbody tr")).to_have_count(1)
    screenshot(staff, "merchant-queue-desktop-en")
    staff.set_viewport_size(PHONE)  # type: ignore[arg-type]
    screenshot(staff, "merchant-queue-phone-en")
    staff.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    staff.locator("main table a", has_text="Kahvila Kukka Oy").click()
    staff.wait_for_load_state()
    expect(staff.locator("main")).to_contain_text("kaisa@kukka.example")
    screenshot(staff, "merchant-application-desktop-en")
    staff.get_by_role("button", name="Approve").click()
    staff.wait_for_load_state()
    expect(staff.locator("h1")).to_have_text("Kahvila Kukka Oy")
    screenshot(staff, "merchant-approved-desktop-en")
    merchant = Merchant.objects.get()
    assert merchant.status == Merchant.Status.APPROVED
    assert len(mail.outbox) == 2
    assert "Kliento-yritys" in mail.outbox[1].subject  # in the applicant's language

    # the new owner signs in and opens the merchant portal
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        owner = new_context(locale="fi-FI", viewport=viewport).new_page()
        owner.goto("/accounts/login/")
        no_cookies(owner)
        owner.locator("main input[name=login]").fill("kaisa@kukka.example")
        owner.locator("main input[name=password]").fill(OWNER_PASSWORD)
        owner.locator("main form[action='/accounts/login/'] button[type=submit]").click()
        owner.wait_for_load_state()
        owner.goto("/merchant/")
        owner.wait_for_load_state()
        assert f"/merchant/{merchant.public_id}/" in owner.url
        expect(owner.locator("body")).to_contain_text("Kahvila Kukka Oy")
        screenshot(owner, f"merchant-owner-portal-{name}-fi")
