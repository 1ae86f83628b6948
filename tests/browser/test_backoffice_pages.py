"""Every back-office page in a browser, as its staff members reach it: from the front page
they land on after login, by links only. Each page has no WCAG 2.1 AA violation
(axe-core) and no horizontal overflow on a phone, in fi and en."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import BrowserContext, Page

from kliento.accounts import services as accounts
from kliento.accounts import staff
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.cards.models import CardIssuer
from kliento.register import services as register
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot
from tests.browser.test_register_pages import LOCALES, log_in, staff_member

pytestmark = pytest.mark.django_db(transaction=True)

# The pages each kind of staff member works on, and must find by following links.
WORKER_PAGES = {
    "front-page": "/",  # where login lands
    "home": "/staff/",
    "people": "/staff/people/",
    "audit-log": "/staff/audit/",
    "card-block": "/staff/cards/block/",
    "card-stock": "/staff/cards/batches/",
    "card-batch-new": "/staff/cards/batches/new/",
    "requests": "/staff/requests/",
    "requests-new": "/staff/requests/new/",
    "campaigns": "/staff/campaigns/",
    "surveys": "/staff/surveys/",
    "surveys-new": "/staff/surveys/new/",
    "recipients": "/staff/recipients/",
    "ropa": "/staff/ropa/",
}
ADMINISTRATOR_PAGES = {
    "front-page": "/",
    "home": "/staff/",
    "team": "/staff/team/",
    "merchants": "/staff/merchants/",
    "card-stock": "/staff/cards/batches/",
    "card-issuers": "/staff/cards/issuers/",
    "card-issuer-new": "/staff/cards/issuers/new/",
    "recipients": "/staff/recipients/",
    "ropa": "/staff/ropa/",
}


def reachable(page: Page, start: str, depth: int = 2) -> set[str]:
    """Paths under /staff/ reachable from ``start`` by following links (GET only)."""
    seen: set[str] = set()
    frontier = [start]
    for _ in range(depth + 1):
        found: list[str] = []
        for path in frontier:
            if path in seen:
                continue
            seen.add(path)
            page.goto(path)
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            for href in hrefs:
                parts = urlsplit(href)
                if parts.path.startswith("/staff/") and not parts.query:
                    found.append(parts.path)
        frontier = found
    return seen | set(frontier)


def staff_with(roles: tuple[StaffRole, ...], email: str) -> tuple[str, str]:
    user = staff_member(email, roles[0])
    for role in roles[1:]:
        accounts.staff_role_grant(user=user, role=role, actor=Actor.system("tests"))
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    return user.email, secret


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("who", ["worker", "administrator"])
def test_back_office_pages_are_reached_by_links_accessible_and_fit_a_phone(
    new_context: Callable[..., BrowserContext], lang: str, who: str
) -> None:
    # Given a staff member: one holding every role but administrator, or an administrator
    if who == "worker":
        roles: tuple[StaffRole, ...] = (
            StaffRole.PRIVACY_OFFICER, StaffRole.CUSTOMER_SERVICE,
            StaffRole.MARKETING, StaffRole.AUDITOR,
        )  # fmt: skip
        pages = WORKER_PAGES
    else:
        roles, pages = (StaffRole.ADMINISTRATOR,), ADMINISTRATOR_PAGES
    email, secret = staff_with(roles, f"{who}@kliento.example")
    page = new_context(locale=LOCALES[lang]).new_page()
    log_in(page, email, totp_secret=secret)  # one login: a TOTP code works once

    # When they follow the front page's link to the back office, and links from there
    page.goto("/")
    page.locator(".home-ways a[href='/staff/']").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/staff/"
    links = reachable(page, "/staff/")
    expected = set(pages.values()) - {"/"}
    assert expected <= links, sorted(expected - links)

    # Then every page they work on is clean at both sizes
    found: dict[str, list[str]] = {}
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        for name, url in pages.items():
            response = page.goto(url)
            assert response is not None
            assert response.status == 200, url
            assert page.url.endswith(url), page.url  # the page itself, not a login step
            screenshot(page, f"backoffice-{who}-{name}-{size}-{lang}")
            problems = axe_violations(page)
            if size == "phone":
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    problems.append(f"page is {width} px wide")
            if problems:
                found[f"{size} {url}"] = problems
    assert found == {}


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_back_office_detail_pages_are_accessible_and_fit_a_phone(
    new_context: Callable[..., BrowserContext], cardholder: Any, merchant_a: Any, lang: str
) -> None:
    # Given a person, an approved merchant, a card issuer and an invited staff member
    subject = register.subject_of(cardholder)
    issuer = CardIssuer.objects.create(kind=CardIssuer.Kind.TRAVEL, name="HSL")
    admin_email, admin_secret = staff_with((StaffRole.ADMINISTRATOR,), "admin@kliento.example")
    invited, _token = staff.staff_invite(
        email="new.agent@kliento.example", role=StaffRole.CUSTOMER_SERVICE,
        actor=Actor.system("tests"),
    )  # fmt: skip
    officer_email, officer_secret = staff_with(
        (StaffRole.PRIVACY_OFFICER,), "officer@kliento.example"
    )
    pages = {
        "admin": (admin_email, admin_secret, {
            "merchant": f"/staff/merchants/{merchant_a.merchant.public_id}/",
            "issuer-edit": f"/staff/cards/issuers/{issuer.public_id}/",
            "team-remove": f"/staff/team/{invited.public_id}/remove/",
        }),
        "officer": (officer_email, officer_secret, {
            "person-disclosures": f"/staff/people/{subject.public_id}/disclosures/",
            "person-consents": f"/staff/people/{subject.public_id}/consents/",
        }),
    }  # fmt: skip
    found: dict[str, list[str]] = {}
    for who, (email, secret, urls) in pages.items():
        page = new_context(locale=LOCALES[lang]).new_page()
        log_in(page, email, totp_secret=secret)
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)  # type: ignore[arg-type]
            for name, url in urls.items():
                response = page.goto(url)
                assert response is not None
                assert response.status == 200, url
                screenshot(page, f"backoffice-{who}-{name}-{size}-{lang}")
                problems = axe_violations(page)
                if page.evaluate("document.documentElement.scrollWidth") > viewport["width"]:
                    problems.append("wider than the window")
                if problems:
                    found[f"{size} {url}"] = problems
    # and a setup link that is not (or no longer) good says so clearly
    page = new_context(locale=LOCALES[lang]).new_page()
    response = page.goto("/staff/setup/not-a-real-token/")
    assert response is not None
    assert response.status == 404
    if problems := axe_violations(page):
        found["setup link unknown"] = problems
    assert found == {}
