"""The privacy notice and the recipients page in a real browser, with screenshots."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import BrowserContext, expect

from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import ActorKind
from kliento.disclosures import notice
from kliento.disclosures.models import Recipient
from tests.browser.conftest import PHONE, screenshot
from tests.conftest import make_user
from tests.disclosures.conftest import make_recipient

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def admin() -> Actor:
    """An administrator as the services see one (role groups are flushed between
    transactional tests, so no login)."""
    return Actor(ActorKind.STAFF, str(uuid.uuid4()), StaffRole.ADMINISTRATOR.value)


@pytest.mark.parametrize(("locale", "size"), [("fi-FI", "desktop"), ("en-GB", "desktop"),
                                              ("en-GB", "phone")])  # fmt: skip
def test_privacy_notice_page(
    new_context: Callable[..., BrowserContext], admin: Actor, locale: str, size: str
) -> None:
    make_recipient(admin, Recipient.Kind.PROCESSOR, "https://sms.example.com/hook",
                   name="Tekstari Oy", items=["phone"], purposes=["service"])  # fmt: skip
    notice.notice_publish()
    context = new_context(locale=locale, viewport=PHONE if size == "phone" else None)
    page = context.new_page()

    page.goto("/privacy/")
    page.locator(".cookie-banner button").last.click()

    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator(".notice-body h2")).to_have_count(9)
    expect(page.get_by_text("Tekstari Oy: Sends text messages")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] if page.viewport_size else True
    screenshot(page, f"privacy-notice-{locale[:2]}-{size}")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_register_a_recipient(
    new_context: Callable[..., BrowserContext], live_server: Any, size: str
) -> None:
    Group.objects.get_or_create(name=StaffRole.PRIVACY_OFFICER.value)
    officer = make_user("dpo@kliento.example", role=StaffRole.PRIVACY_OFFICER)
    TOTP.activate(officer, pyotp.random_base32())
    session = Client()
    session.force_login(officer)
    context = new_context(viewport=PHONE if size == "phone" else None)
    context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/staff/recipients/")
    page.locator(".cookie-banner button").last.click()

    page.get_by_label("Kind").select_option("processor")
    page.get_by_label("Name", exact=True).fill("Tekstari Oy")
    page.get_by_label("Phone number").check()
    page.get_by_label("Providing the service").check()
    page.get_by_label("Tasks (for service providers)").fill("Delivers text messages")
    page.get_by_label("Agreement reference").fill("DPA-2026-7")
    page.get_by_label("Agreement date").fill("2026-10-01")
    page.get_by_label("Webhook address").fill("https://sms.example.com/hook")
    page.get_by_role("button", name="Register").click()

    expect(page.locator(".secret-value")).to_contain_text("whsec_")
    expect(page.get_by_label("Name", exact=True)).to_have_value("")  # a fresh form
    expect(page.get_by_role("rowheader", name="Tekstari Oy")).to_be_visible()
    screenshot(page, f"staff-recipients-{size}")
