"""Terminals: created for a premises with a token shown once, listed with their last use,
revoked at once."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from kliento.merchants.models import Premises, Terminal
from tests.conftest import MerchantWorld
from tests.merchants.conftest import count_queries, url

pytestmark = pytest.mark.django_db


def api_checkin(token: str) -> int:
    response = Client().post(
        "/api/v1/checkins", json.dumps({"card": "0123ABCD"}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    return response.status_code


def test_a_new_terminals_token_is_shown_once_and_works(
    owner: Client, merchant_a: MerchantWorld
) -> None:
    response = owner.post(
        url(merchant_a, "terminals"),
        {"name": "Till 2", "premises": str(merchant_a.premises.public_id)},
    )

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.content.decode()
    assert "shown only this once" in body
    match = re.search(r'id="new-token" type="text" class="code-block" value="([^"]+)"', body)
    assert match is not None
    token = match.group(1)
    assert Terminal.objects.get(name="Till 2").premises == merchant_a.premises

    assert api_checkin(token) == 201
    listing = owner.get(url(merchant_a, "terminals")).content.decode()
    assert token not in listing
    assert "Till 2" in listing
    assert "Never" in listing  # Till 1 has not been used


def test_revoking_stops_the_token_at_once(owner: Client, merchant_a: MerchantWorld) -> None:
    assert api_checkin(merchant_a.token) == 201

    owner.post(url(merchant_a, "terminal_revoke", merchant_a.terminal.public_id))

    merchant_a.terminal.refresh_from_db()
    assert merchant_a.terminal.revoked_at is not None
    assert api_checkin(merchant_a.token) == 401
    assert "Revoked" in owner.get(url(merchant_a, "terminals")).content.decode()


@pytest.mark.parametrize("name", ["", "x" * 81])
def test_a_bad_name_is_a_form_error_and_creates_nothing(
    owner: Client, merchant_a: MerchantWorld, name: str
) -> None:
    response = owner.post(
        url(merchant_a, "terminals"), {"name": name, "premises": str(merchant_a.premises.public_id)}
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Terminal.objects.count() == 1


def test_another_merchants_premises_are_refused(
    owner: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    response = owner.post(
        url(merchant_a, "terminals"),
        {"name": "Spy", "premises": str(merchant_b.premises.public_id)},
    )

    assert "Select a valid choice." in response.content.decode()
    assert not Terminal.objects.filter(name="Spy").exists()


def test_a_cashier_cannot_create_or_revoke_terminals(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    data = {"name": "Mine", "premises": str(merchant_a.premises.public_id)}
    assert cashier.post(url(merchant_a, "terminals"), data).status_code == 403
    revoke = url(merchant_a, "terminal_revoke", merchant_a.terminal.public_id)
    assert cashier.post(revoke).status_code == 403
    merchant_a.terminal.refresh_from_db()
    assert merchant_a.terminal.revoked_at is None
    assert Terminal.objects.count() == 1


def test_the_list_pins_its_query_count(owner: Client, merchant_a: MerchantWorld) -> None:
    path = url(merchant_a, "terminals")
    one = count_queries(owner, path)
    for n in range(5):
        premises = Premises.objects.create(merchant=merchant_a.merchant, name=f"P{n}")
        data = {"name": f"T{n}", "premises": str(premises.public_id)}
        owner.post(path, data)

    assert count_queries(owner, path) == one == 6
