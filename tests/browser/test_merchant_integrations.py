"""An owner creates an integration on its own page: the token is shown once, the list
shows it, and revoking marks it revoked; screenshots at desktop and phone widths."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_cashier import signed_in_page
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_an_owner_creates_and_revokes_an_integration(
    new_context: Callable[..., BrowserContext],
    merchant_a: MerchantWorld,
    viewport: dict[str, int],
    size: str,
) -> None:
    page = signed_in_page(new_context, merchant_a.owner, viewport)
    page.goto(f"/merchant/{merchant_a.merchant.public_id}/terminals/")
    page.get_by_role("link", name="Integrations: read-only tokens for your own systems").click()
    expect(page.get_by_role("heading", name="Integrations", level=1)).to_be_visible()
    page.get_by_label("Name").fill("Customer register")
    page.get_by_role("button", name="Create the integration").click()
    token = page.get_by_role("textbox", name="Token")
    assert token.input_value().startswith("kl_")
    expect(page.get_by_role("row", name="Customer register")).to_be_visible()
    screenshot(page, f"merchant-integrations-created-{size}")
    page.get_by_role("button", name="Revoke Customer register").click()
    expect(page.get_by_role("row", name="Customer register")).to_contain_text("Revoked")
    expect(page.get_by_role("textbox", name="Token")).to_have_count(0)
    screenshot(page, f"merchant-integrations-revoked-{size}")
