"""Consents in a real browser: every purpose given and withdrawn on the consents page,
a receipt opened, and the cookie banner, whose network log shows that nothing loads
beyond the site's own origin before consent, and nothing gated after "Reject"."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import BrowserContext, Page, Request, expect

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.consent import services
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import PURPOSES
from kliento.register.services import subject_of
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

# What a page would hold if the product ever loaded something non-essential.
GATED = (
    '<template data-consent="non_essential_cookies">'
    '<img src="/static/kliento/favicon.svg?gated=1" alt=""></template>'
)


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    reject = page.get_by_role("button", name="Reject")
    if reject.count():
        reject.click()
        expect(reject).to_have_count(0)
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def record(page: Page) -> list[str]:
    urls: list[str] = []

    def on_request(request: Request) -> None:
        urls.append(request.url)

    page.on("request", on_request)
    return urls


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_banner_loads_nothing_before_consent_and_nothing_after_reject(
    new_context: Callable[..., BrowserContext], live_server, size: str, viewport: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    page = new_context(viewport=viewport).new_page()
    requests = record(page)
    page.goto("/")
    page.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", GATED)

    banner = page.locator("[data-cookie-banner]")
    accept = banner.get_by_role("button", name="Accept")
    reject = banner.get_by_role("button", name="Reject")
    expect(banner).to_be_visible()
    accept_box, reject_box = accept.bounding_box(), reject.bounding_box()
    assert accept_box is not None
    assert reject_box is not None
    assert accept_box["height"] == reject_box["height"]
    assert abs(accept_box["width"] - reject_box["width"]) < 2
    assert accept_box["y"] == reject_box["y"]  # the same level
    assert accept.get_attribute("class") == reject.get_attribute("class")
    banner_box = banner.bounding_box()
    assert banner_box is not None
    assert banner_box["height"] < (150 if size == "phone" else 100)
    screenshot(page, f"cookie-banner-{size}")

    page.wait_for_load_state("networkidle")
    assert {origin(u) for u in requests} == {live_server.url}
    assert not [u for u in requests if "gated=1" in u]

    reject.click()
    expect(banner).to_have_count(0)
    page.wait_for_load_state("networkidle")
    page.reload()
    page.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", GATED)
    page.wait_for_load_state("networkidle")

    expect(page.locator("[data-cookie-banner]")).to_have_count(0)
    assert {origin(u) for u in requests} == {live_server.url}
    assert not [u for u in requests if "gated=1" in u]


def test_accepting_switches_the_gated_elements_on(
    new_context: Callable[..., BrowserContext], live_server
) -> None:  # type: ignore[no-untyped-def]
    page = new_context().new_page()
    requests = record(page)
    page.goto("/")
    page.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", GATED)
    assert not [u for u in requests if "gated=1" in u]

    with page.expect_request(lambda r: "gated=1" in r.url):
        page.get_by_role("button", name="Accept").click()

    expect(page.locator("[data-cookie-banner]")).to_have_count(0)
    assert {origin(u) for u in requests} == {live_server.url}


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_give_and_withdraw_each_consent_and_open_the_receipt(
    new_context: Callable[..., BrowserContext],
    cardholder: User,
    size: str,
    viewport: dict[str, int],
) -> None:
    subject = subject_of(cardholder)
    page = new_context(viewport=viewport).new_page()
    log_in(page, cardholder.email)
    page.goto("/profile/consents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your consents")
    screenshot(page, f"consents-{size}-all-off")
    if size == "phone":  # the first screen as the person sees it, not shrunk to fit
        page.screenshot(path=str(screenshot(page, "consents-phone-first-screen")))

    for key in PURPOSES:
        card = page.locator(f"#purpose-{key}")
        if key == "health_data":
            card.get_by_role("link").click()
            page.get_by_label("I give my explicit consent as described above.").check()
            page.get_by_role("button", name="Give consent").click()
            expect(page.locator(".badge-ok")).to_have_text("Consent given")
            page.get_by_label("I withdraw my consent.", exact=False).check()
            page.get_by_role("button", name="Withdraw consent").click()
            expect(page.locator(".consent-state .badge-muted")).to_have_text("No consent")
            page.goto("/profile/consents/")
            continue
        card.get_by_role("button", name="Give consent").click()
        expect(page.locator(f"#purpose-{key} .badge")).to_have_text("Given")
        if key == "email_marketing":
            screenshot(page, f"consents-{size}-one-given")
        page.locator(f"#purpose-{key}").get_by_role("button", name="Withdraw consent").click()
        expect(page.locator(f"#purpose-{key} .badge")).to_have_text("Not given")

    # a give and a withdrawal per purpose, each with its receipt
    actions = list(ConsentEvent.objects.filter(subject=subject).values_list("purpose", "action"))
    for key in PURPOSES:
        assert (key, "given") in actions
        assert (key, "withdrawn") in actions

    page.get_by_role("link", name="Receipt").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent receipt")
    newest = ConsentEvent.objects.filter(subject=subject).order_by("-at", "-id").first()
    assert newest is not None
    expect(page.locator(".receipt-hash")).to_have_text(newest.notice_hash)
    screenshot(page, f"consent-receipt-{size}")


def test_staff_see_the_consents_at_a_moment(
    new_context: Callable[..., BrowserContext], live_server, cardholder: User
) -> None:  # type: ignore[no-untyped-def]
    subject = subject_of(cardholder)
    services.consent_give(
        subject=subject,
        purpose_key="sms_marketing",
        language="fi",
        channel="web",
        actor=Actor.person(cardholder),
    )
    # transactional tests flush the groups the data migration made
    Group.objects.get_or_create(name=StaffRole.CUSTOMER_SERVICE.value)
    agent = make_user("cs@kliento.example", role=StaffRole.CUSTOMER_SERVICE)
    TOTP.activate(agent, pyotp.random_base32())
    session = Client()
    session.force_login(agent)
    context = new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"/staff/people/{subject.public_id}/consents/")
    page.get_by_role("button", name="Reject").click()

    page.locator("#id_read-reason").fill("Complaint 17: SMS received")
    page.get_by_role("button", name="Show consents").click()

    expect(page.get_by_role("heading", name="Every consent event")).to_be_visible()
    screenshot(page, "consent-staff-desktop")
