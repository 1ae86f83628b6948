"""The privacy officer records a disclosure to an authority in a real browser, on a
desktop and at 360 px, in English and Finnish, with screenshots."""

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
from kliento.disclosures.models import Disclosure, Recipient
from kliento.register.services import subject_of
from tests.browser.conftest import screenshot
from tests.conftest import make_user
from tests.disclosures.conftest import make_recipient

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
NARROW = {"width": 360, "height": 780}


@pytest.mark.parametrize(("locale", "size"), [("en-GB", "desktop"), ("en-GB", "phone"),
                                              ("fi-FI", "phone")])  # fmt: skip
def test_privacy_officer_records_a_disclosure_to_an_authority(
    new_context: Callable[..., BrowserContext], live_server: Any, locale: str, size: str
) -> None:
    admin = Actor(ActorKind.STAFF, str(uuid.uuid4()), StaffRole.ADMINISTRATOR.value)
    make_recipient(admin, Recipient.Kind.AUTHORITY, "https://poliisi.example/hook",
                   name="Helsinki Police", items=["first_name", "last_name"],
                   purposes=["legal_obligation"])  # fmt: skip
    person = subject_of(make_user("anna.virtanen@example.fi"))
    Group.objects.get_or_create(name=StaffRole.PRIVACY_OFFICER.value)
    officer = make_user("dpo@kliento.example", role=StaffRole.PRIVACY_OFFICER)
    TOTP.activate(officer, pyotp.random_base32())
    session = Client()
    session.force_login(officer)
    context = new_context(locale=locale, viewport=NARROW if size == "phone" else None)
    context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"/staff/people/{person.public_id}/disclosures/")
    page.locator(".cookie-banner button").last.click()
    finnish = locale.startswith("fi")

    # Left without a legal basis: an error next to the field, nothing recorded.
    page.locator("#id_recipient").select_option(
        label="Helsinki Police (Viranomainen (kun laki edellyttää))"
        if finnish
        else "Helsinki Police (Authority (where the law requires))"
    )
    page.locator("input[name=items][value=first_name]").check()
    page.locator("#id_purpose").select_option("legal_obligation")
    page.locator("#id_note").fill("Police request 2026/1234")
    page.locator("form[action$='/record/'] button[type=submit]").click()
    expect(page.locator("#id_legal_basis_error")).to_be_visible()
    assert not Disclosure.objects.exists()
    screenshot(page, f"staff-manual-disclosure-error-{locale[:2]}-{size}")

    page.locator("#id_legal_basis").select_option("legal_obligation")
    page.locator("form[action$='/record/'] button[type=submit]").click()

    expect(page.locator(".messages")).to_contain_text(
        "Luovutus on kirjattu." if finnish else "The disclosure has been recorded."
    )
    expect(page.get_by_role("cell", name="Police request 2026/1234")).to_be_visible()
    assert Disclosure.objects.get().note == "Police request 2026/1234"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.viewport_size is not None
    assert width <= page.viewport_size["width"]
    screenshot(page, f"staff-manual-disclosure-{locale[:2]}-{size}")
