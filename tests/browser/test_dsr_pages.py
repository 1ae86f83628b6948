"""The request tracker in a browser: list and request page (en and fi, desktop and phone),
registering a request and the person confirming it from the e-mailed link."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pyotp
import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.dsr import services
from kliento.dsr.links import VERIFY_SALT, link_make
from kliento.register import services as register
from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_register_pages import LOCALES, log_in, staff_member

pytestmark = pytest.mark.django_db(transaction=True)


def some_requests(officer: User) -> str:
    actor = Actor.staff(officer, StaffRole.PRIVACY_OFFICER.value)
    with time_machine.travel(timezone.now() - timedelta(days=35)):
        services.request_create(
            login_email="anna.virtanen@example.fi", kind="erasure", channel="letter",
            details="Delete my old visits.", actor=actor,
        )  # fmt: skip
    late = services.request_create(
        login_email="anna.virtanen@example.fi", kind="access", channel="phone",
        details="Called and asked for a copy.", actor=actor,
    )  # fmt: skip
    services.request_extend(request=late, months=1, reason="Paper archive.", actor=actor)
    restriction = services.request_create(
        login_email="anna.virtanen@example.fi", kind="restriction", channel="email",
        details="I dispute the visit on 3 May; please stop using my data until it is settled.",
        actor=actor,
    )  # fmt: skip
    services.request_verify(token=link_make(salt=VERIFY_SALT, public_id=str(restriction.public_id)))
    return str(restriction.public_id)


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_tracker_list_and_request_page(
    new_context: Callable[..., BrowserContext], cardholder: User, lang: str
) -> None:
    register.subject_of(cardholder)
    officer = staff_member("privacy@kliento.example", StaffRole.PRIVACY_OFFICER)
    secret = pyotp.random_base32()
    TOTP.activate(officer, secret)
    restriction_id = some_requests(officer)
    page = new_context(locale=LOCALES[lang]).new_page()
    log_in(page, officer.email, totp_secret=secret)

    page.goto("/staff/requests/")
    expect(page.locator(".dsr-table tbody tr")).to_have_count(3)
    expect(page.locator(".dsr-table .badge-error")).to_have_count(1)  # the overdue one
    screenshot(page, f"dsr-list-{lang}")

    page.locator(f".dsr-table a[href$='{restriction_id}/']").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#restrict-heading")).to_be_visible()
    screenshot(page, f"dsr-request-{lang}")

    # bad input: the fee form shows errors and nothing is saved
    page.locator("#fee-heading ~ form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".errorlist").first).to_be_visible()
    screenshot(page, f"dsr-request-fee-errors-{lang}")

    # the same session on a phone (a second login would reuse the one-time code)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.goto("/staff/requests/")
    expect(page.locator(".dsr-table tbody tr")).to_have_count(3)
    screenshot(page, f"dsr-list-phone-{lang}")
    page.goto(f"/staff/requests/{restriction_id}/")
    screenshot(page, f"dsr-request-phone-{lang}")


def test_register_a_request_and_the_person_confirms(
    new_context: Callable[..., BrowserContext], cardholder: User
) -> None:
    register.subject_of(cardholder)
    agent = staff_member("service@kliento.example", StaffRole.CUSTOMER_SERVICE)
    secret = pyotp.random_base32()
    TOTP.activate(agent, secret)
    page = new_context().new_page()
    log_in(page, agent.email, totp_secret=secret)
    page.goto("/staff/requests/new/")
    page.locator("#id_login_email").fill("anna.virtanen@example.fi")
    page.locator("#id_kind").select_option("campaigns")
    page.locator("#id_channel").select_option("email")
    page.locator("#id_details").fill("Was I sent the spring newsletter?")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("newsletter")
    screenshot(page, "dsr-request-new-registered-en")

    message = next(m for m in mail.outbox if "/requests/verify/" in m.body)
    found = re.search(r"https?://[^/\s]+(/requests/verify/\S+)", str(message.body))
    assert found is not None
    person = new_context().new_page()
    person.goto(found.group(1))
    screenshot(person, "dsr-verify-en")
    person.get_by_role("button", name="Yes, I made this request").click()
    person.wait_for_load_state()
    expect(person.locator(".message-success")).to_be_visible()

    page.reload()
    expect(page.locator(".dsr-history")).to_contain_text("Confirmed by the person")
