"""Helpers for the merchant portal's tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.visits import services as visit_services
from kliento.visits.models import Visit
from tests.conftest import MerchantWorld

CARD = "0123ABCD"  # a contactless UID


def url(world: MerchantWorld, name: str, *args: Any) -> str:
    return reverse(f"merchant:{name}", args=[world.merchant.public_id, *args])


def english() -> Client:
    """A client that reads the pages in English (the service's default language is Finnish)."""
    return Client(headers={"accept-language": "en"})


def signed_in(user: User) -> Client:
    client = english()
    client.force_login(user)
    return client


def check_in(world: MerchantWorld, card: str = CARD, amount_cents: int | None = None) -> Visit:
    """A visit through the terminal, as the API records it."""
    result = visit_services.checkin_record(
        premises=world.premises, card_input=card, amount_cents=amount_cents,
        terminal=world.terminal,
        actor=Actor.terminal(
            str(world.terminal.public_id), merchant_id=str(world.merchant.public_id),
            premises_id=str(world.premises.public_id),
        ),
    )  # fmt: skip
    return result.visit


@pytest.fixture
def owner(merchant_a: MerchantWorld) -> Client:
    return signed_in(merchant_a.owner)


@pytest.fixture
def cashier(merchant_a: MerchantWorld) -> Client:
    return signed_in(merchant_a.cashier)


def count_queries(client: Client, path: str) -> int:
    """How many queries a GET of ``path`` makes (it must answer 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)
