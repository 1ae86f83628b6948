"""The account journey in Chromium: sign up, verify, log in, enable TOTP, log out, log in
with TOTP, switch language. Screenshots of each account page at desktop and phone width."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.models import User
from tests.browser.conftest import DESKTOP, PHONE, fresh_code, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "selma.browser@example.fi"
PASSPHRASE = "lumiset kuuset kuiskaavat pakkasyössä"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)")


def shoot(page: Page, name: str) -> None:
    """Screenshots of the current page at desktop and at phone width."""
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        screenshot(page, f"accounts-{name}-{label}-en")
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]


def submit(page: Page) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def log_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSPHRASE)
    page.locator("main form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_sign_up_verify_log_in_with_totp_and_switch_language(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(locale="en-GB").new_page()

    # Sign up with a new address and a strong passphrase
    page.goto("/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot(page, "signup")
    reject = page.get_by_role("button", name="Reject")
    if reject.count():
        reject.click()  # the cookie banner: only the cookies needed to run the site
        page.wait_for_load_state()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSPHRASE)
    page.get_by_label("Password (again)").fill(PASSPHRASE)
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    shoot(page, "verification-sent")

    # Read the verification mail (the live server shares the test's outbox) and follow it
    [message] = mail.outbox
    assert message.to == [EMAIL]
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    page.goto(match.group(1))
    shoot(page, "confirm-email")
    submit(page)
    assert EmailAddress.objects.get(email=EMAIL).verified

    # Log in with the password
    page.goto("/accounts/login/")
    shoot(page, "login")
    log_in(page)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Enable TOTP: read the secret from the page, answer with the current code
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        # sensitive changes ask for the password again
        shoot(page, "reauthenticate")
        page.get_by_label("Password").fill(PASSPHRASE)
        submit(page)
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    expect(page.locator(".qr-code")).to_be_visible()
    shoot(page, "totp-activate")
    page.locator("#id_code").fill(fresh_code(secret))
    submit(page)
    user = User.objects.get(email=EMAIL)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    shoot(page, "recovery-codes")

    # Log out
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.goto("/accounts/2fa/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # Log in again: the password alone is not enough, the TOTP code finishes it. A code
    # is good once, so answer with the next period's code (the clock moves 30 s on).
    log_in(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    shoot(page, "mfa-authenticate")
    page.locator("#id_code").fill("000000")
    submit(page)
    expect(page.locator("[aria-invalid=true]")).to_be_visible()
    shoot(page, "mfa-authenticate-error")
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=30)
    with time_machine.travel(later, tick=True):
        page.locator("#id_code").fill(fresh_code(secret))
        submit(page)
        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Switch language with the page's own switch: Suomi, then Svenska
    for label, code in (("Suomi", "fi"), ("Svenska", "sv")):
        page.locator("#language-select").select_option(label=label)
        page.locator(".language-switch button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(page.locator("#language-select")).to_have_value(code)
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_sign_up_errors_are_shown_next_to_the_fields(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(locale="en-GB", viewport=PHONE).new_page()
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("weak@example.fi")
    page.get_by_label("Password", exact=True).fill("password123456")
    page.get_by_label("Password (again)").fill("password123456")
    submit(page)

    invalid = page.locator("#id_password1[aria-invalid=true]")
    expect(invalid).to_be_visible()
    expect(page.get_by_text("appeared in a data breach")).to_be_visible()
    assert not User.objects.filter(email="weak@example.fi").exists()
    screenshot(page, "accounts-signup-errors-phone-en")
