"""Customer service issues a batch of cards, downloads the printer's CSV and a leaflet
sheet, and activates the batch, in a real browser at phone and desktop widths."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from playwright.sync_api import BrowserContext, Page, expect

from kliento.accounts.roles import StaffRole
from kliento.audit.models import AuditEntry
from kliento.cards import identifiers
from kliento.cards.models import CardBatch
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_surveys import open_as
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width  # type: ignore[index]


@pytest.mark.parametrize(("viewport", "suffix"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_customer_service_issues_prints_and_activates_a_batch(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    tmp_path: Path,
    viewport: dict[str, int],
    suffix: str,
) -> None:
    Group.objects.get_or_create(name=StaffRole.CUSTOMER_SERVICE.value)
    agent = make_user(f"cs.stock.{suffix}@kliento.example", role=StaffRole.CUSTOMER_SERVICE)
    TOTP.activate(agent, pyotp.random_base32())
    page = open_as(new_context, live_server, agent, locale="en-GB", viewport=viewport)

    page.goto("/staff/")
    page.get_by_role("link", name="Card stock").click()
    expect(page.get_by_role("heading", name="Card stock", level=1)).to_be_visible()
    page.get_by_role("link", name="Issue a batch").click()
    page.get_by_label("Number of cards").fill("0")
    page.get_by_role("button", name="Issue the batch").click()
    expect(page.get_by_text("A batch has from 1 to 10,000 cards.")).to_be_visible()
    screenshot(page, f"card-stock-issue-error-{suffix}")
    page.get_by_label("Number of cards").fill("25")
    page.get_by_label("Note").fill("Print order 2026-12")
    page.get_by_role("button", name="Issue the batch").click()

    expect(page.get_by_role("heading", name="Batch of 25 cards")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"card-stock-batch-created-{suffix}")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download the CSV for the card printer").click()
    rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text())))
    assert len(rows) == 26
    assert all(identifiers.parse(row[0]).value == row[0] for row in rows[1:])
    page.get_by_label("Sheet").fill("2")
    with page.expect_download() as sheet_download:
        page.get_by_role("button", name="Download the sheet").click()
    sheet = Path(sheet_download.value.path()).read_text()
    assert rows[-1][1] in sheet  # sheet 2 holds cards 22-25
    assert rows[1][1] not in sheet

    page.get_by_role("button", name="Activate the batch").click()

    expect(page.get_by_text("The batch is active")).to_be_visible()
    expect(page.get_by_role("link", name="Download the CSV for the card printer")).to_have_count(0)
    no_sideways_scroll(page)
    screenshot(page, f"card-stock-batch-active-{suffix}")
    page.get_by_role("link", name="Back to card stock").click()
    expect(page.get_by_role("cell", name="Print order 2026-12")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"card-stock-list-{suffix}")
    assert CardBatch.objects.get().state == CardBatch.State.ACTIVE
    assert AuditEntry.objects.filter(action="card.batch_print").count() == 2
