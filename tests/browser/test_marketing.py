"""Marketing in a real browser: staff schedule a campaign and see its counts; the person
sees why they got it at phone width and unsubscribes with the link (screenshots)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from playwright.sync_api import BrowserContext, expect

from kliento.accounts.roles import StaffRole
from kliento.consent.selectors import has_consent
from kliento.marketing.models import Campaign
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_surveys import open_as
from tests.conftest import make_user
from tests.marketing.conftest import give, run

pytestmark = pytest.mark.django_db(transaction=True)


def test_campaign_from_form_to_unsubscribe(
    new_context: Callable[..., BrowserContext], live_server: Any, settings: Any
) -> None:
    settings.KLIENTO_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from kliento.register.services import subject_of

    anna_user = make_user("anna.browser@example.fi")
    anna = subject_of(anna_user)
    give(anna, "email_marketing")
    staff = make_user("marketing.campaigns@kliento.example", role=StaffRole.MARKETING)
    TOTP.activate(staff, pyotp.random_base32())

    # Staff schedule a campaign, first forgetting the Swedish text
    page = open_as(new_context, live_server, staff, locale="en-GB", viewport=DESKTOP)
    page.goto("/staff/campaigns/")
    page.get_by_label("Name (staff only)").fill("Autumn newsletter")
    page.get_by_label("Consent purpose").select_option("email_marketing")
    page.get_by_label("Send at").fill("2026-01-01T09:00")
    for lang, name in (("fi", "Finnish"), ("en", "English")):
        page.get_by_label(f"Subject in {name}").fill(f"Autumn {lang}")
        page.get_by_label(f"Message in {name}").fill(f"Offers {lang}")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("The audience needs the message in Swedish.")).to_be_visible()
    screenshot(page, "marketing-campaign-form-error")
    assert not Campaign.objects.exists()
    page.get_by_label("Subject in Swedish").fill("Höst")
    page.get_by_label("Message in Swedish").fill("Erbjudanden")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", name="Autumn newsletter")).to_be_visible()

    # The worker runs it; the campaign page shows the counts
    run(Campaign.objects.get())
    page.reload()
    expect(page.locator(".campaign-counts")).to_contain_text("Sent")
    screenshot(page, "marketing-campaign-detail")

    # The person sees it and why, at phone width
    person = open_as(new_context, live_server, anna_user, locale="en-GB", viewport=PHONE)
    person.goto("/profile/campaigns/")
    expect(person.get_by_text("Why: your consent to")).to_be_visible()
    screenshot(person, "marketing-my-campaigns-phone")

    # And unsubscribes with the link in the message, without logging in
    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("/u/", 1)[1]
    anonymous = new_context(locale="en-GB", viewport=PHONE).new_page()
    anonymous.goto(f"/u/{path}")
    anonymous.get_by_role("button", name="Unsubscribe").click()
    expect(anonymous.get_by_text("You are unsubscribed.")).to_be_visible()
    screenshot(anonymous, "marketing-unsubscribed-phone")
    assert not has_consent(subject=anna, purpose="email_marketing")
