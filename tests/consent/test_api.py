"""The person's consents over the API: read, give, withdraw, receipts, bad input."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.translation import gettext_lazy as _

from kliento.accounts import tokens
from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.consent import signing
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import PURPOSES, ConsentPurpose, Notice
from kliento.register.models import Subject
from tests.api.envelope import assert_envelope

URL = "/api/v1/me/consents"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bearer_client(cardholder: User) -> Client:
    _token, raw = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL, name="My app", user=cardholder, actor=Actor.person(cardholder)
    )
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(URL, body, content_type="application/json")


def by_purpose(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["purpose"]: c for c in body["consents"]}


def test_every_purpose_is_listed_off_with_its_current_notice(
    bearer_client: Client, subject: Subject, django_assert_num_queries: Any
) -> None:
    # token, its last-use stamp, user's subject, events
    with django_assert_num_queries(4):
        response = bearer_client.get(URL)

    assert response.status_code == 200
    consents = by_purpose(response.json())
    assert set(consents) == set(PURPOSES)
    email = consents["email_marketing"]
    assert (email["given"], email["active"], email["given_notice_version"]) == (False, False, None)
    notice = PURPOSES["email_marketing"].current
    assert email["notice"]["version"] == notice.version
    assert email["notice"]["hash"] == notice.hash_for("email_marketing")
    assert email["notice"]["text"]


def test_give_then_withdraw_one_purpose(bearer_client: Client) -> None:
    given = post(bearer_client, {"purpose": "surveys", "action": "give", "notice_version": "1"})

    assert given.status_code == 200, given.content
    assert given.json()["consent"]["active"] is True
    assert given.json()["receipt_id"]
    event = ConsentEvent.objects.get()
    assert (event.channel, event.purpose) == ("api", "surveys")

    withdrawn = post(
        bearer_client, {"purpose": "surveys", "action": "withdraw", "notice_version": "1"}
    )

    assert withdrawn.status_code == 200
    assert withdrawn.json()["consent"]["active"] is False
    listed = by_purpose(bearer_client.get(URL).json())
    assert listed["surveys"]["active"] is False
    assert listed["surveys"]["since"] is not None
    assert not any(c["active"] for c in listed.values())


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"purpose": "telepathy", "action": "give", "notice_version": "1"},
            422,
            "value_invalid",
        ),
        ({"purpose": "surveys", "action": "give", "notice_version": "7"}, 422, "value_invalid"),
        (
            {"purpose": "surveys", "action": "withdraw", "notice_version": "7"},
            422,
            "value_invalid",
        ),
        (
            {"purpose": "surveys", "action": "maybe", "notice_version": "1"},
            422,
            "validation_failed",
        ),
        ({"purpose": "surveys", "action": "give"}, 422, "validation_failed"),
        (
            {"purpose": "surveys", "action": "give", "notice_version": "1", "x": 1},
            422,
            "validation_failed",
        ),
    ],
)
def test_bad_input_gets_the_envelope_and_records_nothing(
    bearer_client: Client, body: dict[str, Any], status: int, code: str
) -> None:
    audit_before = AuditEntry.objects.count()

    envelope = assert_envelope(post(bearer_client, body), status, code)

    assert ConsentEvent.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="consent.").count() == 0
    assert AuditEntry.objects.count() >= audit_before
    if body.get("purpose") == "telepathy":
        assert envelope["details"]["purpose"] == "telepathy"


def test_a_stale_notice_version_is_a_conflict(
    bearer_client: Client, versioned_purpose: Callable[..., ConsentPurpose]
) -> None:
    versioned_purpose(Notice("2", date(2026, 2, 1), _("Newsletter notice, now with partners.")))

    envelope = assert_envelope(
        post(bearer_client, {"purpose": "newsletter", "action": "give", "notice_version": "1"}),
        409,
        "notice_changed",
    )

    assert envelope["details"]["current_version"] == "2"
    assert ConsentEvent.objects.count() == 0


def test_receipts_are_listed_newest_first_and_verify(
    bearer_client: Client, client: Client, django_assert_num_queries: Any
) -> None:
    post(bearer_client, {"purpose": "prize_draws", "action": "give", "notice_version": "1"})
    post(bearer_client, {"purpose": "prize_draws", "action": "withdraw", "notice_version": "1"})

    # token, user's subject, events with their subject (the token's use stamp is fresh)
    with django_assert_num_queries(3):
        response = bearer_client.get(f"{URL}/receipts")

    assert response.status_code == 200
    listed = response.json()["receipts"]
    assert [r["action"] for r in listed] == ["withdrawn", "given"]
    key_set = client.get("/.well-known/jwks.json").json()
    for receipt in listed:
        claims = signing.jws_verify(receipt["jws"], key_set)
        assert claims["receipt_id"] == receipt["receipt_id"]


def test_the_browser_session_works_with_csrf(cardholder: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cardholder)
    body = {"purpose": "surveys", "action": "give", "notice_version": "1"}

    assert browser.get(URL).status_code == 200
    assert_envelope(post(browser, body), 403, "csrf_failed")
    assert ConsentEvent.objects.count() == 0
    assert browser.get(f"{URL}/receipts").status_code == 200


def test_without_authentication_nothing_is_read_or_recorded(client: Client, db: None) -> None:
    assert_envelope(client.get(URL), 401, "not_authenticated")
    assert_envelope(
        post(client, {"purpose": "surveys", "action": "give", "notice_version": "1"}),
        401,
        "not_authenticated",
    )
    assert_envelope(client.get(f"{URL}/receipts"), 401, "not_authenticated")
    assert ConsentEvent.objects.count() == 0


def test_people_see_only_their_own_receipts(
    bearer_client: Client, other_cardholder: User, client: Client
) -> None:
    post(bearer_client, {"purpose": "surveys", "action": "give", "notice_version": "1"})
    client.force_login(other_cardholder)

    assert client.get(f"{URL}/receipts").json() == {"receipts": []}
    assert not any(c["given"] for c in client.get(URL).json()["consents"])
