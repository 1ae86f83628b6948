"""The person's cards: list, register, block, change and the phone QR, on pages and the API."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kliento.accounts.models import ApiToken, User
from kliento.accounts.tokens import token_create
from kliento.audit.actors import Actor
from kliento.cards import identifiers
from kliento.cards.models import Card
from kliento.cards.services import card_change_start, card_issue_kliento, card_register
from kliento.register.services import subject_of
from kliento.visits.models import Visit
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def bearer(user: User) -> Client:
    _token, plaintext = token_create(
        kind=ApiToken.Kind.PERSONAL, name="app", user=user, actor=Actor.person(user)
    )
    return Client(headers={"Authorization": f"Bearer {plaintext}"})


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def checkin(client: Client, world: MerchantWorld, card: str) -> Any:
    return client.post(
        "/api/v1/checkins", json.dumps({"card": card}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.token}",
    )  # fmt: skip


def owned_card(user: User) -> tuple[Card, str]:
    card, number, code = card_issue_kliento(actor=SYSTEM)
    card_register(subject=subject_of(user), card_number=number, code=code, actor=Actor.person(user))
    card.refresh_from_db()
    return card, number


# --- the list -----------------------------------------------------------------


def test_the_card_page_lists_my_cards_masked_and_no_one_elses(
    cardholder_client: Client, cardholder: User, other_cardholder: User
) -> None:
    _mine, number = owned_card(cardholder)
    _theirs, their_number = owned_card(other_cardholder)

    page = cardholder_client.get("/profile/cards/").content.decode()

    assert f"•••• {number[-4:]}" in page
    assert number not in page
    assert identifiers.format_kliento_number(number) not in page
    assert f"•••• {their_number[-4:]}" not in page
    assert "Kliento Oy" in page
    assert "Active" in page


def test_the_card_api_lists_my_cards_in_a_fixed_number_of_queries(
    cardholder: User, other_cardholder: User, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        owned_card(cardholder)
    owned_card(other_cardholder)
    client = bearer(cardholder)
    client.get("/api/v1/me/cards")  # the token's first use notes its time once

    with django_assert_num_queries(3):  # token, subject, cards with issuers
        response = client.get("/api/v1/me/cards")

    assert response.status_code == 200
    body = response.json()
    assert len(body) == 3
    assert {c["kind"] for c in body} == {"kliento"}
    assert all(re.fullmatch(r"•••• \d{4}", c["masked"]) for c in body)
    assert body[0]["issuer"] == {"name": "Kliento Oy", "kind": "kliento"}


def test_pages_and_api_need_a_signed_in_person(client: Client) -> None:
    assert client.get("/profile/cards/").status_code == 302
    response = client.get("/api/v1/me/cards")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- registering --------------------------------------------------------------


def test_registering_a_used_card_on_the_page_makes_its_history_mine(
    client: Client, cardholder_client: Client, cardholder: User, merchant_a: MerchantWorld
) -> None:
    card, number, code = card_issue_kliento(actor=SYSTEM)
    checkin(client, merchant_a, number)

    response = cardholder_client.post(
        "/profile/cards/register/",
        {"card_number": identifiers.format_kliento_number(number), "code": code.lower()},
    )

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.holder == subject_of(cardholder)
    visits = cardholder_client.get("/profile/visits/").content.decode()
    assert merchant_a.merchant.name in visits


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        (None, "WRONGCODE", "The card number or the code is not right."),
        ("9246 0000 0000 0001", None, "Check the number: its last digit does not match."),
        ("hello", None, "This is not a card Kliento can read."),
    ],
)
def test_a_wrong_code_or_check_digit_on_the_page_is_a_form_error_and_changes_nothing(
    cardholder_client: Client, number: str | None, code: str | None, message: str
) -> None:
    card, real_number, real_code = card_issue_kliento(actor=SYSTEM)

    response = cardholder_client.post(
        "/profile/cards/register/",
        {"card_number": number or real_number, "code": code or real_code},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    card.refresh_from_db()
    assert card.holder is None
    assert card.registration_code_hash is not None


def test_registering_over_the_api(cardholder: User) -> None:
    card, number, code = card_issue_kliento(actor=SYSTEM)
    client = bearer(cardholder)

    response = post_json(client, "/api/v1/me/cards/register", {"card_number": number, "code": code})

    assert response.status_code == 201
    assert response.json()["id"] == str(card.public_id)
    assert response.json()["masked"] == f"•••• {number[-4:]}"
    # The code is single use: a second try (even by the same person) is refused.
    again = post_json(client, "/api/v1/me/cards/register", {"card_number": number, "code": code})
    assert again.status_code == 422
    assert again.json()["code"] == "code_invalid"


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("wrong_code", 422, "code_invalid"),
        ("check_digit", 422, "card_invalid"),
        ("malformed", 422, "card_invalid"),
        ("blocked", 409, "card_blocked"),
        ("someone_elses", 422, "code_invalid"),
    ],
)
def test_bad_registrations_over_the_api_are_refused_and_change_nothing(
    cardholder: User, other_cardholder: User, case: str, status: int, code: str
) -> None:
    card, number, real_code = card_issue_kliento(actor=SYSTEM)
    body = {"card_number": number, "code": real_code}
    if case == "wrong_code":
        body["code"] = "AAAAAAAA"
    elif case == "check_digit":
        body["card_number"] = number[:-1] + str((int(number[-1]) + 1) % 10)
    elif case == "malformed":
        body["card_number"] = "not a card"
    elif case == "blocked":
        Card.objects.filter(pk=card.pk).update(status=Card.Status.BLOCKED)
    else:
        card_register(
            subject=subject_of(other_cardholder), card_number=number, code=real_code,
            actor=Actor.person(other_cardholder),
        )  # fmt: skip
    before = Card.objects.values_list("pk", "holder_id", "status").get(pk=card.pk)

    response = post_json(bearer(cardholder), "/api/v1/me/cards/register", body)

    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert Card.objects.values_list("pk", "holder_id", "status").get(pk=card.pk) == before


# --- blocking -----------------------------------------------------------------


def test_blocking_a_lost_card_on_the_page_stops_its_check_ins(
    client: Client, cardholder_client: Client, cardholder: User, merchant_a: MerchantWorld
) -> None:
    card, number = owned_card(cardholder)

    confirm = cardholder_client.get(f"/profile/cards/{card.public_id}/block/")
    assert confirm.status_code == 200
    response = cardholder_client.post(f"/profile/cards/{card.public_id}/block/")

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == Card.Status.BLOCKED
    refused = checkin(client, merchant_a, number)
    assert refused.status_code == 409
    assert refused.json()["code"] == "card_blocked"
    assert not Visit.objects.exists()


def test_someone_elses_card_cannot_be_blocked(
    cardholder_client: Client, cardholder: User, other_cardholder: User
) -> None:
    theirs, _number = owned_card(other_cardholder)

    page = cardholder_client.post(f"/profile/cards/{theirs.public_id}/block/")
    api = post_json(bearer(cardholder), f"/api/v1/me/cards/{theirs.public_id}/block", {})

    assert page.status_code == 404
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.status == Card.Status.ACTIVE


def test_blocking_over_the_api_and_twice(cardholder: User) -> None:
    card, _number = owned_card(cardholder)
    client = bearer(cardholder)

    first = post_json(client, f"/api/v1/me/cards/{card.public_id}/block", {"reason": "lost"})
    second = post_json(client, f"/api/v1/me/cards/{card.public_id}/block", {})

    assert first.status_code == 200
    assert first.json()["status"] == "blocked"
    assert second.status_code == 409
    assert second.json()["code"] == "card_not_active"


# --- card change --------------------------------------------------------------


def test_a_card_change_moves_the_history_to_the_new_card(
    client: Client, cardholder_client: Client, cardholder: User, merchant_a: MerchantWorld
) -> None:
    old, old_number = owned_card(cardholder)
    checkin(client, merchant_a, old_number)
    _change, change_code = card_change_start(
        new_card_input="04A22B1C9F5180", actor=merchant_a.actor(merchant_a.cashier)
    )

    response = cardholder_client.post(
        "/profile/cards/change/", {"old_card": str(old.public_id), "code": change_code}
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == Card.Status.REPLACED
    new = Card.objects.get(kind=Card.Kind.CONTACTLESS)
    assert new.holder == subject_of(cardholder)
    body = checkin(client, merchant_a, "04A22B1C9F5180").json()
    assert body["card"]["registered"] is True
    points = next(p for p in body["loyalty"] if p["kind"] == "points")
    assert points["points"] == 20  # 10 from the old card's visit, 10 from this one


def test_a_wrong_change_code_is_refused_and_changes_nothing(
    cardholder: User, cardholder_client: Client
) -> None:
    old, _number = owned_card(cardholder)

    page = cardholder_client.post(
        "/profile/cards/change/", {"old_card": str(old.public_id), "code": "WRONG123"}
    )
    api = post_json(
        bearer(cardholder), "/api/v1/me/cards/change",
        {"old_card": str(old.public_id), "code": "WRONG123"},
    )  # fmt: skip

    assert page.status_code == 200
    assert "The change code is not valid." in page.content.decode()
    assert api.status_code == 422
    assert api.json()["code"] == "code_invalid"
    old.refresh_from_db()
    assert old.status == Card.Status.ACTIVE


def test_a_card_change_over_the_api(cardholder: User, merchant_a: MerchantWorld) -> None:
    old, _number = owned_card(cardholder)
    _change, code = card_change_start(
        new_card_input="04A22B1C9F5180", actor=merchant_a.actor(merchant_a.cashier)
    )

    response = post_json(
        bearer(cardholder),
        "/api/v1/me/cards/change",
        {"old_card": str(old.public_id), "code": code},
    )

    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "contactless"
    assert response.json()["masked"] == "•••• 5180"


# --- the phone QR -------------------------------------------------------------


def test_the_qr_page_shows_an_svg_that_checks_in_and_expires_within_a_minute(
    client: Client, cardholder_client: Client, cardholder: User, merchant_a: MerchantWorld
) -> None:
    page = cardholder_client.get("/profile/cards/qr/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]

    fresh = cardholder_client.get("/profile/cards/qr/fresh/").json()
    assert fresh["svg"].startswith("<svg")

    token = bearer(cardholder).get("/api/v1/me/cards/qr").json()["token"]
    assert token.startswith("KLQR1:")
    ok = checkin(client, merchant_a, token)
    assert ok.status_code == 201
    assert ok.json()["card"]["kind"] == "phone"
    assert ok.json()["card"]["registered"] is True

    with time_machine.travel(timezone.now() + timedelta(seconds=90)):
        expired = checkin(client, merchant_a, token)
    assert expired.status_code == 422
    assert expired.json()["code"] == "qr_expired"
    assert Visit.objects.count() == 1


def test_the_phone_card_is_listed_but_cannot_be_blocked(cardholder: User) -> None:
    client = bearer(cardholder)
    client.get("/api/v1/me/cards/qr")
    [phone] = client.get("/api/v1/me/cards").json()

    response = post_json(client, f"/api/v1/me/cards/{phone['id']}/block", {})

    assert phone["kind"] == "phone"
    assert response.status_code == 422
    assert response.json()["code"] == "card_not_blockable"
    assert Card.objects.get().status == Card.Status.ACTIVE


def test_each_card_kind_names_its_issuer(cardholder: User, merchant_a: MerchantWorld) -> None:
    client = bearer(cardholder)
    client.get("/api/v1/me/cards/qr")
    owned_card(cardholder)
    old, _number = owned_card(cardholder)
    _change, code = card_change_start(
        new_card_input="04A22B1C9F5180", actor=merchant_a.actor(merchant_a.cashier)
    )
    post_json(client, "/api/v1/me/cards/change", {"old_card": str(old.public_id), "code": code})

    issuers = {(c["kind"], c["issuer"]["kind"]) for c in client.get("/api/v1/me/cards").json()}

    assert issuers == {("phone", "kliento"), ("kliento", "kliento"), ("contactless", "travel")}


def test_a_blocked_card_can_be_replaced_on_the_replace_page(
    cardholder: User, cardholder_client: Client
) -> None:
    from kliento.cards.services import card_block

    # Given a lost card the person had blocked
    subject = subject_of(cardholder)
    card, _number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=subject)
    card_block(card=card, actor=Actor.system("tests"), reason="Lost")
    _change, code = card_change_start(
        new_card_input=identifiers.format_kliento_number(identifiers.new_kliento_number()),
        actor=Actor.system("tests"),
    )

    # When they replace it with the change code
    page = cardholder_client.get("/profile/cards/change/")
    assert str(card.public_id) in page.content.decode()
    response = cardholder_client.post(
        "/profile/cards/change/", {"old_card": str(card.public_id), "code": code}
    )

    # Then the blocked card is replaced
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == "replaced"
