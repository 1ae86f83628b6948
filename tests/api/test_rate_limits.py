"""Rate limits on token endpoints and on bearer authentication: 429, envelope, Retry-After."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from kliento.accounts.models import ApiToken, User
from tests.api.envelope import assert_envelope

TOKENS_URL = "/api/v1/me/tokens"
BAD = {"Authorization": "Bearer kl_0123456789ab_wrongwrongwrong"}


def _create(client: Client, name: str) -> int:
    return client.post(TOKENS_URL, data={"name": name}, content_type="application/json").status_code


def test_creating_tokens_is_limited_per_person(
    cardholder_client: Client, other_cardholder: User
) -> None:
    # Given ten tokens made in a minute
    assert [_create(cardholder_client, f"App {n}") for n in range(10)] == [201] * 10

    # When the person asks for an eleventh
    response = cardholder_client.post(
        TOKENS_URL, data={"name": "One more"}, content_type="application/json"
    )

    # Then it is refused with the envelope and a hint when to retry, and nothing is made
    body = assert_envelope(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1
    assert body["details"]["retry_after"] == int(response["Retry-After"])
    assert ApiToken.objects.count() == 10
    # Another person is not affected.
    other = Client()
    other.force_login(other_cardholder)
    assert _create(other, "Theirs") == 201


def test_the_limits_live_in_the_shared_cache(cardholder_client: Client) -> None:
    for n in range(10):
        _create(cardholder_client, f"App {n}")
    assert _create(cardholder_client, "Refused") == 429

    # The counters are in Django's default cache (Redis in production), so clearing
    # that cache (what a shared cache does for every process at once) lifts the limit.
    cache.clear()

    assert _create(cardholder_client, "Allowed again") == 201


def test_revoking_does_not_use_up_the_creation_limit(cardholder_client: Client) -> None:
    for n in range(9):
        created = cardholder_client.post(
            TOKENS_URL, data={"name": f"App {n}"}, content_type="application/json"
        ).json()
        assert cardholder_client.delete(f"{TOKENS_URL}/{created['id']}").status_code == 204

    assert _create(cardholder_client, "Tenth") == 201


@pytest.mark.django_db
@override_settings(KLIENTO_RATE_FAILED_TOKENS="3/m")
def test_failed_bearer_tokens_are_limited_per_address_but_a_valid_token_still_works(
    client: Client, cardholder: User, personal_token: tuple[ApiToken, str]
) -> None:
    # Given three wrong tokens from one address (an attacker in a shop's network)
    for _ in range(3):
        assert_envelope(client.get("/api/v1/me", headers=BAD), 401, "invalid_token")

    # When a fourth wrong one comes, and the shop's own valid token
    wrong = client.get("/api/v1/me", headers=BAD)
    right = client.get("/api/v1/me", headers={"Authorization": f"Bearer {personal_token[1]}"})

    # Then the guessing is refused until the window passes, the valid token is not
    assert_envelope(wrong, 429, "rate_limited")
    assert 1 <= int(wrong["Retry-After"]) <= 60
    assert right.status_code == 200
    # and more guessing does not change that
    for _ in range(20):
        client.get("/api/v1/me", headers=BAD)
    again = client.get("/api/v1/me", headers={"Authorization": f"Bearer {personal_token[1]}"})
    assert again.status_code == 200


@pytest.mark.django_db
@override_settings(KLIENTO_RATE_FAILED_TOKENS="3/m")
def test_successful_bearer_use_never_counts_against_the_limit(
    personal_token: tuple[ApiToken, str],
) -> None:
    bearer = Client(headers={"Authorization": f"Bearer {personal_token[1]}"})

    statuses = {bearer.get("/api/v1/me").status_code for _ in range(10)}

    assert statuses == {200}


@pytest.mark.django_db
@override_settings(KLIENTO_RATE_FAILED_TOKENS="3/m")
def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client: Client) -> None:
    for n in range(3):
        client.get("/api/v1/me", headers={**BAD, "X-Forwarded-For": f"192.0.2.{n}"})

    response = client.get("/api/v1/me", headers={**BAD, "X-Forwarded-For": "192.0.2.99"})

    assert_envelope(response, 429, "rate_limited")


@pytest.mark.django_db
def test_with_redis_every_process_counts_against_the_same_limit() -> None:
    from django.core.cache.backends.redis import RedisCache

    from kliento.accounts.api_auth import FailedTokenLimiter

    location = "redis://127.0.0.1:6379/15"
    request = Client().get("/healthz").wsgi_request  # an address to count against
    # Given two processes, each with its own connection to the shared cache
    first, second = (FailedTokenLimiter("3/m") for _ in range(2))
    first.cache = RedisCache(location, {})
    second.cache = RedisCache(location, {})
    first.cache.clear()
    # When one records three failures
    for _ in range(3):
        first.record_failure(request)
    # Then the other refuses the next attempt too
    assert second.retry_after(request) is not None
    first.cache.clear()
