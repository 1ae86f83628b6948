"""Visit APIs and pages: the person sees all of theirs, a merchant only its own, and bad
card input gets a clear error code and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from kliento.accounts.models import ApiToken, User
from kliento.accounts.tokens import token_create
from kliento.audit.actors import Actor
from kliento.cards import identifiers
from kliento.cards.models import Card
from kliento.cards.services import card_issue_kliento, card_register, phone_card_of
from kliento.register.services import subject_of
from kliento.visits.models import LedgerEntry, Visit
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture(autouse=True)
def _english_and_clean_cache(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    yield
    cache.clear()


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def person(user: User) -> Client:
    _token, plaintext = token_create(
        kind=ApiToken.Kind.PERSONAL, name=f"app {uuid4()}", user=user, actor=Actor.person(user)
    )
    return bearer(plaintext)


def checkin(world: MerchantWorld, card: str, **extra: Any) -> Any:
    return bearer(world.token).post(
        "/api/v1/checkins", json.dumps({"card": card, **extra}), content_type="application/json"
    )


def owned_card(user: User) -> str:
    _card, number, code = card_issue_kliento(actor=SYSTEM)
    card_register(subject=subject_of(user), card_number=number, code=code, actor=Actor.person(user))
    return number


@pytest.fixture
def world(
    cardholder: User, other_cardholder: User, merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> dict[str, str]:
    """Anna visits A twice and B once; Bertil visits B once."""
    anna, bertil = owned_card(cardholder), owned_card(other_cardholder)
    return {
        "anna_a1": checkin(merchant_a, anna, amount=1250).json()["visit"],
        "anna_a2": checkin(merchant_a, anna).json()["visit"],
        "anna_b": checkin(merchant_b, anna).json()["visit"],
        "bertil_b": checkin(merchant_b, bertil).json()["visit"],
    }


# --- the merchant's visits -----------------------------------------------------


def test_a_merchant_lists_only_its_own_visits(
    world: dict[str, str], merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    a = bearer(merchant_a.token).get("/api/v1/merchant/visits").json()
    b = bearer(merchant_b.token).get("/api/v1/merchant/visits").json()

    assert {v["id"] for v in a["items"]} == {world["anna_a1"], world["anna_a2"]}
    assert {v["id"] for v in b["items"]} == {world["anna_b"], world["bertil_b"]}
    assert a["count"] == 2
    first = next(v for v in a["items"] if v["id"] == world["anna_a1"])
    assert first["amount"] == 1250
    assert first["loyalty"] == {"points": 22, "stamps": 1, "reversed": False}
    assert first["card"]["registered"] is True
    assert first["premises"]["name"] == merchant_a.premises.name


def test_a_merchant_reads_its_visit_and_gets_404_for_another_merchants(
    world: dict[str, str], merchant_a: MerchantWorld
) -> None:
    own = bearer(merchant_a.token).get(f"/api/v1/merchant/visits/{world['anna_a1']}")
    other = bearer(merchant_a.token).get(f"/api/v1/merchant/visits/{world['bertil_b']}")
    missing = bearer(merchant_a.token).get(f"/api/v1/merchant/visits/{uuid4()}")

    assert own.status_code == 200
    assert own.json()["id"] == world["anna_a1"]
    for response in (other, missing):
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "Not found.", "details": {}}


def test_merchant_visit_endpoints_need_a_terminal_token(
    world: dict[str, str], cardholder: User
) -> None:
    for url in ("/api/v1/merchant/visits", f"/api/v1/merchant/visits/{world['anna_a1']}"):
        assert Client().get(url).status_code == 401
        response = person(cardholder).get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"


def test_the_merchant_list_is_paginated_in_a_fixed_number_of_queries(
    world: dict[str, str], merchant_b: MerchantWorld, django_assert_num_queries: Any
) -> None:
    client = bearer(merchant_b.token)
    client.get("/api/v1/merchant/visits")  # the token's first use notes its time once

    with django_assert_num_queries(4):  # token, terminal, count, page
        page1 = client.get("/api/v1/merchant/visits?page_size=1").json()
    page2 = client.get("/api/v1/merchant/visits?page_size=1&page=2").json()

    assert page1["count"] == page2["count"] == 2
    assert [len(page1["items"]), len(page2["items"])] == [1, 1]
    assert page1["items"][0]["id"] == world["bertil_b"]  # newest first
    assert page2["items"][0]["id"] == world["anna_b"]
    bad = client.get("/api/v1/merchant/visits?page_size=1000")
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_failed"


# --- the person's visits -------------------------------------------------------


def test_a_person_lists_their_visits_at_every_merchant_and_no_one_elses(
    world: dict[str, str], cardholder: User, django_assert_num_queries: Any
) -> None:
    client = person(cardholder)
    client.get("/api/v1/me/visits")

    with django_assert_num_queries(4):  # token, subject, count, page
        body = client.get("/api/v1/me/visits").json()

    assert body["count"] == 3
    assert [v["id"] for v in body["items"]] == [world["anna_b"], world["anna_a2"], world["anna_a1"]]
    assert {v["merchant"]["name"] for v in body["items"]} == {"Kahvila Aalto", "Bistro Berg"}
    assert body["items"][-1]["loyalty"] == {"points": 22, "stamps": 1, "reversed": False}


def test_a_person_gets_404_for_someone_elses_visit(world: dict[str, str], cardholder: User) -> None:
    client = person(cardholder)

    assert client.get(f"/api/v1/me/visits/{world['anna_a1']}").status_code == 200
    response = client.get(f"/api/v1/me/visits/{world['bertil_b']}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_visits_page_shows_my_visits_with_loyalty_and_no_one_elses(
    world: dict[str, str], cardholder: User, other_cardholder: User, client: Client
) -> None:
    client.force_login(other_cardholder)
    theirs = client.get("/profile/visits/").content.decode()
    client.force_login(cardholder)
    mine = client.get("/profile/visits/").content.decode()

    assert "Kahvila Aalto" in mine
    assert "Bistro Berg" in mine
    assert "+22 points" in mine
    assert "12.50&nbsp;€" in mine
    assert "Kahvila Aalto" not in theirs
    assert theirs.count('class="visit"') == 1


def test_a_reversed_visit_shows_as_reversed_with_nothing_earned(
    cardholder: User, merchant_a: MerchantWorld
) -> None:
    from kliento.visits.services import visit_reverse

    number = owned_card(cardholder)
    visit_id = checkin(merchant_a, number, amount=500).json()["visit"]
    visit = Visit.objects.get(public_id=visit_id)
    terminal_actor = Actor.terminal(
        str(merchant_a.terminal.public_id), merchant_id=str(merchant_a.merchant.public_id),
        premises_id=str(merchant_a.premises.public_id),
    )  # fmt: skip
    visit_reverse(visit=visit, actor=terminal_actor, reason="wrong card")

    [item] = person(cardholder).get("/api/v1/me/visits").json()["items"]
    assert item["loyalty"] == {"points": 0, "stamps": 0, "reversed": True}


# --- bad card input ------------------------------------------------------------


def _state() -> tuple[int, int, list[tuple[int, Any, str]]]:
    cards = list(Card.objects.order_by("pk").values_list("pk", "holder_id", "status"))
    return Visit.objects.count(), LedgerEntry.objects.count(), cards


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("unknown_qr_card", 404, "card_unknown"),
        ("malformed", 422, "card_invalid"),
        ("too_short_number", 422, "card_invalid"),
        ("wrong_check_digit", 422, "card_invalid"),
        ("forged_qr", 422, "card_invalid"),
        ("blocked", 409, "card_blocked"),
        ("expired_qr", 422, "qr_expired"),
    ],
)
def test_bad_cards_at_check_in_get_a_clear_code_and_change_nothing(
    merchant_a: MerchantWorld, cardholder: User, case: str, status: int, code: str
) -> None:
    number = owned_card(cardholder)
    card_input = {
        "unknown_qr_card": identifiers.qr_token(uuid4()),
        "malformed": "hello, world",
        "too_short_number": "9246 1234",
        "wrong_check_digit": number[:-1] + str((int(number[-1]) + 1) % 10),
        "forged_qr": "KLQR1:" + uuid4().hex + ":forged",
        "blocked": number,
        "expired_qr": "",
    }[case]
    if case == "blocked":
        Card.objects.update(status=Card.Status.BLOCKED)
    moment = timezone.now()
    if case == "expired_qr":
        card = phone_card_of(subject=subject_of(cardholder), actor=Actor.person(cardholder))
        with time_machine.travel(moment - timedelta(seconds=61)):
            card_input = identifiers.qr_token(card.public_id)
    before = _state()

    response = checkin(merchant_a, card_input)

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert _state() == before


def test_a_wrong_check_digit_says_so_in_the_details(merchant_a: MerchantWorld) -> None:
    response = checkin(merchant_a, "9246 0000 0000 0001")

    assert response.json()["details"] == {"reason": "check_digit"}
    assert not Card.objects.exists()


def test_the_visits_and_cards_pages_do_not_query_per_row(
    cardholder: User, merchant_a: MerchantWorld, client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cardholder)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    number = owned_card(cardholder)
    checkin(merchant_a, number)
    few = (queries("/profile/visits/"), queries("/profile/cards/"))
    for _ in range(5):
        checkin(merchant_a, owned_card(cardholder))
    assert (queries("/profile/visits/"), queries("/profile/cards/")) == few
