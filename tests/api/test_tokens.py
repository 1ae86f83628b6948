"""Bearer tokens: hashed at rest, compared in constant time, shown once, revocable."""

from __future__ import annotations

import hmac
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from kliento.accounts import tokens
from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor
from tests.api.envelope import assert_envelope

TOKENS_URL = "/api/v1/me/tokens"


def _create(client: Client, name: str = "Phone app") -> dict[str, str]:
    response = client.post(TOKENS_URL, data={"name": name}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_created_token_works_as_bearer_for_its_owner(
    cardholder_client: Client, cardholder: User
) -> None:
    created = _create(cardholder_client)

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"})

    assert response.status_code == 200
    assert response.json()["email"] == cardholder.email


def test_the_database_row_does_not_contain_the_secret(cardholder_client: Client) -> None:
    created = _create(cardholder_client)
    secret = created["token"].split("_", 2)[2]

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()

    assert len(rows) == 1
    stored = " ".join(
        bytes(value).hex() + " " + bytes(value).decode("latin-1")
        if isinstance(value, bytes | memoryview)
        else str(value)
        for value in rows[0]
    )
    assert secret not in stored
    assert created["token"] not in stored
    assert secret.encode().hex() not in stored


def test_the_token_is_shown_once_and_never_listed(cardholder_client: Client) -> None:
    created = _create(cardholder_client)

    listing = cardholder_client.get(TOKENS_URL)

    assert listing.status_code == 200
    assert [item["name"] for item in listing.json()] == ["Phone app"]
    assert "token" not in listing.json()[0]
    assert created["token"] not in listing.content.decode()
    assert created["token"].split("_", 2)[2] not in listing.content.decode()


def test_the_secret_is_compared_in_constant_time(
    cardholder: User, personal_token: tuple[ApiToken, str]
) -> None:
    token, plaintext = personal_token

    with mock.patch.object(
        tokens.hmac, "compare_digest", wraps=hmac.compare_digest
    ) as compare_digest:
        found = tokens.token_authenticate(raw=plaintext)

    assert found == token
    compare_digest.assert_called_once_with(mock.ANY, bytes(token.secret_hash))


def test_a_revoked_token_is_refused(
    cardholder_client: Client, personal_token: tuple[ApiToken, str]
) -> None:
    token, plaintext = personal_token
    bearer = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert bearer.get("/api/v1/me").status_code == 200

    revoked = cardholder_client.delete(f"{TOKENS_URL}/{token.public_id}")

    assert revoked.status_code == 204
    assert_envelope(bearer.get("/api/v1/me"), 401, "invalid_token")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_can_revoke_itself(
    bearer_client: Client, personal_token: tuple[ApiToken, str]
) -> None:
    token, _ = personal_token

    response = bearer_client.delete(f"{TOKENS_URL}/{token.public_id}")

    assert response.status_code == 204
    assert_envelope(bearer_client.get("/api/v1/me"), 401, "invalid_token")


def test_an_expired_token_is_refused(cardholder: User) -> None:
    _token, plaintext = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL,
        name="Short-lived",
        user=cardholder,
        actor=Actor.person(cardholder),
        expires_at=timezone.now() + timedelta(days=1),
    )
    bearer = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert bearer.get("/api/v1/me").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = bearer.get("/api/v1/me")

    assert_envelope(response, 401, "invalid_token")


def test_expiry_chosen_at_creation_is_kept(cardholder_client: Client) -> None:
    response = cardholder_client.post(
        TOKENS_URL, data={"name": "CI", "expires_in_days": 30}, content_type="application/json"
    )

    expires_at = ApiToken.objects.get(public_id=response.json()["id"]).expires_at
    assert expires_at is not None
    assert timedelta(days=29) < expires_at - timezone.now() <= timedelta(days=30)


def test_a_deactivated_persons_token_is_refused(cardholder: User, bearer_client: Client) -> None:
    cardholder.is_active = False
    cardholder.save(update_fields=["is_active"])

    assert_envelope(bearer_client.get("/api/v1/me"), 401, "invalid_token")


def test_a_terminal_token_does_not_open_personal_endpoints(cardholder: User) -> None:
    _token, plaintext = tokens.token_create(
        kind=ApiToken.Kind.TERMINAL, name="Till 1", actor=Actor.person(cardholder)
    )

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"})

    assert_envelope(response, 401, "invalid_token")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "kl_",
        "kl_0123456789ab",
        "kl_short_secret",
        "xx_0123456789ab_secret",
        "kl_0123456789ab_" + "a" * 65,
    ],
)
@pytest.mark.django_db
def test_malformed_tokens_never_authenticate(raw: str) -> None:
    assert tokens.token_authenticate(raw=raw) is None


def test_a_guessed_secret_for_a_real_lookup_is_refused(
    personal_token: tuple[ApiToken, str],
) -> None:
    token, plaintext = personal_token
    guessed = f"kl_{token.lookup}_{'A' * 43}"

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {guessed}"})

    assert_envelope(response, 401, "invalid_token")
    assert tokens.token_authenticate(raw=plaintext) == token


def test_last_used_time_is_recorded_and_shown(
    cardholder_client: Client, personal_token: tuple[ApiToken, str]
) -> None:
    token, plaintext = personal_token
    bearer = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert cardholder_client.get(TOKENS_URL).json()[0]["last_used_at"] is None

    start = timezone.now()
    bearer.get("/api/v1/me")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert first_use >= start

    # Within a minute another use does not write; later it moves on.
    with time_machine.travel(first_use + timedelta(seconds=30)):
        bearer.get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == first_use
    with time_machine.travel(first_use + timedelta(minutes=5)):
        bearer.get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at > first_use + timedelta(minutes=4)
    listed = cardholder_client.get(TOKENS_URL).json()[0]["last_used_at"]
    assert listed is not None


def test_token_list_has_a_fixed_number_of_queries(
    cardholder_client: Client, cardholder: User, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for index in range(5):
        tokens.token_create(
            kind=ApiToken.Kind.PERSONAL,
            name=f"App {index}",
            user=cardholder,
            actor=Actor.person(cardholder),
        )

    # session, user, tokens
    with django_assert_num_queries(3):
        response = cardholder_client.get(TOKENS_URL)

    assert len(response.json()) == 5


def test_the_list_shows_only_my_own_personal_tokens(
    cardholder_client: Client, other_cardholder: User, cardholder: User
) -> None:
    _create(cardholder_client, "Mine")
    tokens.token_create(
        kind=ApiToken.Kind.PERSONAL,
        name="Theirs",
        user=other_cardholder,
        actor=Actor.person(other_cardholder),
    )
    tokens.token_create(
        kind=ApiToken.Kind.TERMINAL, name="Till", user=cardholder, actor=Actor.person(cardholder)
    )

    names = [item["name"] for item in cardholder_client.get(TOKENS_URL).json()]

    assert names == ["Mine"]


@pytest.mark.django_db
def test_creating_and_revoking_a_token_is_audited_without_its_name(cardholder: User) -> None:
    from kliento.audit.models import AuditEntry

    token, _plain = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL, name="Anna's phone", user=cardholder,
        actor=Actor.person(cardholder),
    )  # fmt: skip
    tokens.token_revoke(token=token, actor=Actor.person(cardholder))

    entries = AuditEntry.objects.filter(action__in=["token.create", "token.revoke"])
    assert [e.action for e in entries.order_by("seq")] == ["token.create", "token.revoke"]
    assert all("Anna" not in str(e.context) for e in entries)
    assert all(e.context["token"] == token.lookup for e in entries)
