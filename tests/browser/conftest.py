"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

`make test` installs the `chromium` package when it is missing; Playwright never
downloads a browser of its own. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests
# make between browser steps are still plain synchronous calls on that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:  # type: ignore[no-untyped-def]
    """Opens browser contexts on the live server; `locale` and `viewport` as the test needs."""
    contexts: list[BrowserContext] = []

    def open_context(
        *, locale: str = "en-GB", viewport: dict[str, int] | None = None
    ) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport=viewport or DESKTOP,  # type: ignore[arg-type]
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


def screenshot(page: Page, name: str) -> Path:
    """Saves a full-page PNG under test-artifacts/screenshots/ to look at after the run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line each
    (rule, impact, the first offending elements); an empty list when the page is clean.
    axe-core comes from npm (`make axe`, pinned in package-lock.json)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make axe` installs axe-core from npm")
    # Evaluated through the DevTools protocol: the pages' CSP (no inline scripts) stays on.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
    ]


def fresh_code(secret: str) -> str:
    """A TOTP code with at least 10 s of its 30 s window left, so a slow request cannot
    reach the server in the next window (allauth allows no drift)."""
    left = 30 - time.time() % 30
    if left < 10:
        time.sleep(left + 0.5)
    return str(pyotp.TOTP(secret).now())
