"""Fixtures for the API tests: clients with a bearer token, and a clean rate-limit cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from kliento.accounts import tokens
from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    # Rate-limit counters live in the shared cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def personal_token(cardholder: User) -> tuple[ApiToken, str]:
    """A usable personal access token of the cardholder and its plaintext."""
    return tokens.token_create(
        kind=ApiToken.Kind.PERSONAL, name="My app", user=cardholder, actor=Actor.person(cardholder)
    )


@pytest.fixture
def bearer_client(personal_token: tuple[ApiToken, str]) -> Client:
    """A client that authenticates as the cardholder with a personal access token."""
    return Client(headers={"Authorization": f"Bearer {personal_token[1]}"})
