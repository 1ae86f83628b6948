"""Fixtures for the card tests: English pages and a clean rate-limit cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _english_and_clean_cache(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    # Rate-limit counters live in the shared cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()
