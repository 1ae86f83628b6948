"""A person downloads their data, cancels their account, and no trace of their
plaintext is left in the database; the export and cancel pages in Finnish and English."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from kliento.accounts.models import User
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_person_cards import log_in
from tests.conftest import PASSWORD, MerchantWorld
from tests.privacy.conftest import LOGIN_EMAIL, UID, Person, make_person
from tests.register.test_at_rest import _found, dump

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def person(merchant_a: MerchantWorld, merchant_b: MerchantWorld) -> Person:
    return make_person(LOGIN_EMAIL, merchant_a, uid=UID, other=merchant_b)


def test_export_then_cancel_leaves_no_trace(
    new_context: Callable[..., BrowserContext], person: Person
) -> None:
    page = new_context(locale="en-GB", viewport=DESKTOP).new_page()
    log_in(page, LOGIN_EMAIL)

    page.goto("/profile/export/")
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    expect(page.locator("#section-visits")).to_contain_text("Kahvila Aalto")
    screenshot(page, "privacy-export-desktop-en")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download (JSON)").click()
    document = json.loads(download_info.value.path().read_text())
    assert document["schema_version"] == 1
    assert "Qzsentfirst" in json.dumps(document["sections"]["profile"])

    page.get_by_role("link", name="Cancel my account").click()
    expect(page.get_by_role("heading", name="Cancel your account")).to_be_visible()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Cancel my account").click()
    expect(page.locator(".errorlist")).to_contain_text("The password is not correct.")
    screenshot(page, "privacy-cancel-error-desktop-en")
    assert User.objects.filter(email=LOGIN_EMAIL).exists()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Cancel my account").click()
    expect(page.get_by_role("heading", name="Your account has been cancelled")).to_be_visible()
    screenshot(page, "privacy-cancelled-desktop-en")

    content = dump()
    assert [sentinel for sentinel in person.sentinels if _found(content, sentinel)] == []
    page.goto("/profile/export/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # signed out


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_export_and_cancel_pages_on_a_phone(
    new_context: Callable[..., BrowserContext], person: Person, lang: str
) -> None:
    page = new_context(locale={"fi": "fi-FI", "en": "en-GB"}[lang], viewport=PHONE).new_page()
    log_in(page, LOGIN_EMAIL)

    page.goto("/profile/export/")
    expect(page.locator("#section-profile")).to_contain_text("Qzsentfirst")
    screenshot(page, f"privacy-export-phone-{lang}")
    page.goto("/profile/cancel/")
    expect(page.locator("input[type=password]")).to_be_visible()
    screenshot(page, f"privacy-cancel-phone-{lang}")
