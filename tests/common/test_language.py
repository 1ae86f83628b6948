"""Which language a page speaks: the person's choice, else the browser's, else Finnish."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.config import settings as configured


@pytest.fixture(autouse=True)
def _service_default(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = configured.LANGUAGE_CODE  # undo the suite's English default


def test_a_browser_that_states_no_language_gets_finnish(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<html lang="fi">' in page
    assert "Kirjaudu sisään" in page


def test_the_browser_language_is_used_when_supported(client: Client) -> None:
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="sv-FI,sv;q=0.9").content.decode()
    assert '<html lang="sv">' in page
    assert "Logga in" in page


def test_the_choice_made_with_the_language_switch_wins(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page
