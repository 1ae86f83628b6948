"""The operator's first steps in Chromium: `kliento staff create-admin` prints a link; the
administrator sets a password, enrols TOTP, lands on /staff/ and invites a customer
service agent on the Team page. Screenshots at 390 and 1280 px."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.accounts.selectors import staff_roles_of
from tests.browser.conftest import DESKTOP, PHONE, fresh_code, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = "ensimmainen.yllapitaja@kliento.example"
AGENT = "kaisa.asiakaspalvelu@kliento.example"
PASSPHRASE = "revontulet tanssivat tunturin yllä"
LINK = re.compile(r"https?://[^/\s]+(/staff/setup/[\w-]+/)")


def shoot(page: Page, name: str) -> None:
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        screenshot(page, f"first-admin-{name}-{label}-en")
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]


def test_first_administrator_sets_up_and_invites_customer_service(
    new_context: Callable[..., BrowserContext], live_server: Any
) -> None:
    out = StringIO()
    call_command(
        "staff", "create-admin", "--email", ADMIN, "--language", "en",
        "--base-url", live_server.url, stdout=out,
    )  # fmt: skip
    match = LINK.search(out.getvalue())
    assert match, out.getvalue()
    page = new_context(locale="en-GB").new_page()

    # The link: choose a password (a weak one first)
    page.goto(match.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your staff account")
    reject = page.get_by_role("button", name="Reject")
    if reject.count():
        reject.click()
        page.wait_for_load_state()
    page.get_by_label("New password", exact=True).fill("password123456")
    page.get_by_label("New password (again)").fill("password123456")
    page.get_by_role("button", name="Set password and continue").click()
    expect(page.locator("#id_password1[aria-invalid=true]")).to_be_visible()
    shoot(page, "setup-error")
    page.get_by_label("New password", exact=True).fill(PASSPHRASE)
    page.get_by_label("New password (again)").fill(PASSPHRASE)
    page.get_by_role("button", name="Set password and continue").click()
    page.wait_for_load_state()

    # Then TOTP, straight away, before any staff page
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = page.locator("#authenticator_secret").input_value()
    shoot(page, "totp")
    page.locator("#id_code").fill(fresh_code(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    admin = User.objects.get(email=ADMIN)
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()

    # The back office, and the Team area
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Back office")
    page.get_by_role("link", name="Team").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team")

    # Invite a customer service agent: a bad address first
    page.get_by_label("E-mail address").fill("kaisa@")
    page.get_by_label("Role", exact=True).select_option("customer_service")
    page.get_by_label("Language of the invitation").select_option("fi")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#id_email[aria-invalid=true]")).to_be_visible()
    page.get_by_label("E-mail address").fill(AGENT)
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"Invitation sent to {AGENT}.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(AGENT))).to_contain_text("Customer service")
    shoot(page, "team")

    agent = User.objects.get(email=AGENT)
    assert staff_roles_of(agent) == [StaffRole.CUSTOMER_SERVICE]
    invitation = mail.outbox[-1]
    assert invitation.to == [AGENT]
    assert LINK.search(invitation.body)
