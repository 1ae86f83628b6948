"""POST /api/v1/checkins: the terminal's daily path."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kliento.audit.actors import Actor
from kliento.cards import identifiers
from kliento.cards.services import card_issue_kliento, card_register
from kliento.register.services import subject_of
from kliento.visits.models import LedgerEntry, Visit
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db


def post(client: Client, token: str, body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/checkins", json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip


def test_a_first_scan_of_a_new_contactless_card_records_a_visit_and_earns_points(
    client: Client, merchant_a: MerchantWorld
) -> None:
    response = post(client, merchant_a.token, {"card": "04:A2:2B:1C:9F:51:80", "amount": 1250})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["card"]["registered"] is False
    assert len(body["card"]["registration_code"]) == 8
    points = next(p for p in body["loyalty"] if p["kind"] == "points")
    assert (points["earned_points"], points["points"]) == (22, 22)  # 10 per visit + 12 per €
    assert Visit.objects.filter(merchant=merchant_a.merchant).count() == 1


def test_a_stamp_card_fills_and_the_reward_is_redeemed_at_the_next_check_in(
    client: Client, merchant_a: MerchantWorld
) -> None:
    card = "0123ABCD"
    for _ in range(3):
        body = post(client, merchant_a.token, {"card": card}).json()
    [reward] = body["rewards_available"]
    assert reward["name"] == "Free lunch"

    body = post(client, merchant_a.token, {"card": card, "redeem_reward": reward["id"]}).json()
    assert body["redeemed"]["id"] == reward["id"]
    assert body["rewards_available"] == []

    again = post(client, merchant_a.token, {"card": card, "redeem_reward": reward["id"]})
    assert again.status_code == 409
    assert again.json()["code"] == "reward_unavailable"


def test_the_same_idempotency_key_never_records_two_visits(
    client: Client, merchant_a: MerchantWorld
) -> None:
    body = {"card": "0123ABCD", "amount": 500, "idempotency_key": "till1-0001"}
    first = post(client, merchant_a.token, body)
    second = post(client, merchant_a.token, body)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["visit"] == second.json()["visit"]
    assert second.json()["replayed"] is True
    assert Visit.objects.count() == 1

    conflict = post(client, merchant_a.token, {**body, "amount": 900})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_conflict"
    assert Visit.objects.count() == 1


def test_a_registered_card_reports_registered_and_history_follows_the_holder(
    client: Client, merchant_a: MerchantWorld, cardholder
) -> None:
    post(client, merchant_a.token, {"card": "0123ABCD", "amount": 1000})
    code = post(client, merchant_a.token, {"card": "0123ABCD"}).json()
    # The code is shown only at first use.
    assert code["card"]["registration_code"] is None


def test_a_kliento_card_registered_by_its_holder_keeps_its_points(
    client: Client, merchant_a: MerchantWorld, cardholder
) -> None:
    _card, number, code = card_issue_kliento(actor=Actor.system("tests"))
    post(client, merchant_a.token, {"card": number, "amount": 4000})

    subject = subject_of(cardholder)
    card_register(
        subject=subject,
        card_number=identifiers.format_kliento_number(number),
        code=code,
        actor=Actor.person(cardholder),
    )

    body = post(client, merchant_a.token, {"card": number}).json()
    assert body["card"]["registered"] is True
    assert next(p for p in body["loyalty"] if p["kind"] == "points")["points"] == 50 + 10


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ("9246 0000 0000 0001", "card_invalid"),  # wrong check digit
        ("hello", "card_invalid"),
        ("KLQR1:forged:token", "card_invalid"),
    ],
)
def test_bad_cards_are_refused_and_nothing_is_recorded(
    client: Client, merchant_a: MerchantWorld, card: str, code: str
) -> None:
    response = post(client, merchant_a.token, {"card": card})

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not Visit.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_a_revoked_terminal_token_is_refused(client: Client, merchant_a: MerchantWorld) -> None:
    from kliento.merchants.services import terminal_revoke

    terminal_revoke(
        membership=merchant_a.owner_membership, terminal=merchant_a.terminal,
        actor=merchant_a.actor(merchant_a.owner),
    )  # fmt: skip
    response = post(client, merchant_a.token, {"card": "0123ABCD"})

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert not Visit.objects.exists()


def test_a_personal_token_cannot_check_in(client: Client, cardholder) -> None:
    from kliento.accounts.models import ApiToken
    from kliento.accounts.tokens import token_create

    _token, plaintext = token_create(
        kind=ApiToken.Kind.PERSONAL, name="app", user=cardholder, actor=Actor.person(cardholder)
    )
    response = post(client, plaintext, {"card": "0123ABCD"})

    assert response.status_code == 401
