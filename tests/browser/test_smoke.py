"""The home page renders in a real browser, in each language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext

from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_on_a_phone(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(viewport=PHONE).new_page()
    response = page.goto("/")
    assert response is not None
    assert response.status == 200
    assert page.locator("main").is_visible()
    screenshot(page, "home-phone-en")
