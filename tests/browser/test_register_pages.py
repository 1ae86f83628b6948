"""The register's pages in Chromium, in Finnish and English: the profile (desktop and
phone), the health-data consent, "who has seen my data", and the back-office search
and opened profile."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.cards import identifiers
from kliento.cards.services import card_issue_kliento, card_register
from kliento.consent import services as consent
from kliento.consent.models import ConsentEvent
from kliento.register import services
from kliento.register.models import Subject
from kliento.sharing import services as sharing
from tests.browser.conftest import DESKTOP, PHONE, fresh_code, screenshot
from tests.conftest import PASSWORD, MerchantWorld, make_user

pytestmark = pytest.mark.django_db(transaction=True)

LOCALES = {"fi": "fi-FI", "en": "en-GB"}


def staff_member(email: str, role: StaffRole) -> User:
    # transactional tests flush the groups the data migration made
    Group.objects.get_or_create(name=role.value)
    return make_user(email, role=role)


def log_in(page: Page, email: str, totp_secret: str | None = None) -> None:
    page.goto("/accounts/login/")
    reject = page.get_by_role("button", name=re.compile("Reject|Hylkää"))
    if reject.count():
        reject.click()  # the cookie banner: only the cookies needed to run the site
        page.wait_for_load_state()
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    if totp_secret is not None:
        page.locator("#id_code").fill(fresh_code(totp_secret))
        page.locator("main button[type=submit]").first.click()
        page.wait_for_load_state()


def anna_with_data(cardholder: User) -> Subject:
    subject = services.subject_of(cardholder)
    me = Actor.person(cardholder)
    for key, value in (
        ("first_name", "Anna"),
        ("last_name", "Virtanen"),
        ("email", "anna.virtanen@example.fi"),
        ("email", "anna@työpaikka.example"),
        ("phone", "040 123 4567"),
        ("phone", "+46 70 123 4567"),
        ("address", {"street": "Mannerheimintie 12 B 7", "postal_code": "00100",
                     "city": "Helsinki", "country": "FI"}),
        ("date_of_birth", "1985-03-14"),
        ("mother_tongue", "fi"),
        ("interests", ["jazz", "hiking", "design"]),
        ("favourite_products", ["rye bread", "oat latte"]),
        ("clothes_size", "M"),
        ("shoe_size", "39"),
    ):  # fmt: skip
        services.profile_value_set(subject=subject, item_key=key, value=value, actor=me)
    consent.consent_give(
        subject=subject, purpose_key="health_data", language="fi",
        channel=ConsentEvent.Channel.WEB, actor=me,
    )  # fmt: skip
    services.profile_value_set(
        subject=subject, item_key="allergies", value="Peanuts, birch pollen", actor=me
    )
    return subject


def seen_by_others(cardholder: User, subject: Subject, merchant: MerchantWorld) -> None:
    """A terminal check-in (reading the shared first name) and a customer-service look."""
    system = Actor.system("tests")
    _card, number, code = card_issue_kliento(actor=system)
    me = Actor.person(cardholder)
    card_register(
        subject=subject, card_number=identifiers.format_kliento_number(number), code=code,
        actor=me,
    )  # fmt: skip
    sharing.grants_set(subject=subject, merchant=merchant.merchant, items=["first_name"], actor=me)
    response = Client().post(
        "/api/v1/checkins", json.dumps({"card": number, "amount": 1250}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {merchant.token}",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    staff = staff_member("service@kliento.example", StaffRole.CUSTOMER_SERVICE)
    services.profile_read(
        subject=subject, actor=Actor.staff(staff, StaffRole.CUSTOMER_SERVICE.value),
        purpose="Customer called to correct her address", ticket="CS-1042",
        items=["first_name", "address", "phone", "email"],
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_profile_page(
    new_context: Callable[..., BrowserContext], cardholder: User, lang: str, size: str
) -> None:
    anna_with_data(cardholder)
    page = new_context(
        locale=LOCALES[lang], viewport=PHONE if size == "phone" else DESKTOP
    ).new_page()
    log_in(page, cardholder.email)

    page.goto("/profile/")

    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#item-phone .profile-value")).to_have_count(2)
    expect(page.locator("#item-allergies")).to_contain_text("Peanuts")
    expect(page.locator("#item-login_email")).to_contain_text(cardholder.email)
    screenshot(page, f"register-profile-{size}-{lang}")


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_health_consent_and_accesses_pages(
    new_context: Callable[..., BrowserContext],
    cardholder: User,
    merchant_a: MerchantWorld,
    lang: str,
) -> None:
    subject = anna_with_data(cardholder)
    seen_by_others(cardholder, subject, merchant_a)
    page = new_context(locale=LOCALES[lang]).new_page()
    log_in(page, cardholder.email)

    page.goto("/profile/health/")
    expect(page.locator(".consent-state .badge-ok")).to_be_visible()
    expect(page.locator("#item-allergies")).to_contain_text("Peanuts")
    screenshot(page, f"register-health-consent-{lang}")

    page.goto("/profile/accesses/")
    expect(page.locator(".access").first).to_contain_text("CS-1042")
    expect(page.locator(".access", has_text="Kahvila Aalto").first).to_be_visible()
    screenshot(page, f"register-accesses-{lang}")

    phone = new_context(locale=LOCALES[lang], viewport=PHONE).new_page()
    log_in(phone, cardholder.email)
    phone.goto("/profile/accesses/")
    screenshot(phone, f"register-accesses-phone-{lang}")


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_staff_search_and_opened_profile(
    new_context: Callable[..., BrowserContext], cardholder: User, lang: str
) -> None:
    subject = anna_with_data(cardholder)
    officer = staff_member("privacy@kliento.example", StaffRole.PRIVACY_OFFICER)
    secret = pyotp.random_base32()
    TOTP.activate(officer, secret)
    page = new_context(locale=LOCALES[lang]).new_page()
    log_in(page, officer.email, totp_secret=secret)

    page.goto("/staff/people/")
    page.locator("#id_value").fill("+358 40 123 4567")
    page.locator(".staff-search-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".staff-result")).to_have_count(1)
    screenshot(page, f"staff-search-{lang}")

    page.locator("#purpose-1").fill("Access request DSR-7: the customer asked for a copy")
    page.locator("#ticket-1").fill("DSR-7")
    page.locator(".staff-result button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#item-allergies")).to_contain_text("Peanuts")
    expect(page.locator(".staff-recorded")).to_contain_text("DSR-7")
    screenshot(page, f"staff-profile-{lang}")

    page.goto("/staff/audit/")
    expect(page.locator(".audit-table tbody tr").first).to_contain_text("profile.read")
    screenshot(page, f"staff-audit-log-{lang}")
    assert subject.public_id
