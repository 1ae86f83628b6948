"""Every back-office page in a browser, for a staff member holding the roles that open it:
no WCAG 2.1 AA violation (axe-core), no horizontal overflow on a phone, in fi and en."""

from __future__ import annotations

from collections.abc import Callable

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import BrowserContext

from kliento.accounts import services as accounts
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot
from tests.browser.test_register_pages import LOCALES, log_in, staff_member

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "home": "/staff/",
    "people": "/staff/people/",
    "audit-log": "/staff/audit/",
    "card-block": "/staff/cards/block/",
    "requests": "/staff/requests/",
    "campaigns": "/staff/campaigns/",
    "surveys": "/staff/surveys/",
    "recipients": "/staff/recipients/",
    "ropa": "/staff/ropa/",
}


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_back_office_pages_are_accessible_and_fit_a_phone(
    new_context: Callable[..., BrowserContext], lang: str
) -> None:
    # Given a staff member who holds every role except administrator (it holds no other)
    user = staff_member("everyone@kliento.example", StaffRole.PRIVACY_OFFICER)
    for role in (StaffRole.CUSTOMER_SERVICE, StaffRole.MARKETING, StaffRole.AUDITOR):
        accounts.staff_role_grant(user=user, role=role, actor=Actor.system("tests"))
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    found: dict[str, list[str]] = {}
    page = new_context(locale=LOCALES[lang]).new_page()
    log_in(page, user.email, totp_secret=secret)  # one login: a TOTP code works once
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        for name, url in PAGES.items():
            # When they open each page
            response = page.goto(url)
            assert response is not None
            assert response.status == 200, url
            assert page.url.endswith(url), page.url  # the page itself, not a login step
            screenshot(page, f"backoffice-{name}-{size}-{lang}")
            # Then axe finds nothing, and nothing is wider than a phone
            problems = axe_violations(page)
            if size == "phone":
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    problems.append(f"page is {width} px wide")
            if problems:
                found[f"{size} {url}"] = problems
    assert found == {}
