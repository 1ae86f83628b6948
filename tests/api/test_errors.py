"""Every API error leaves as the envelope {"code", "message", "details"} with its status."""

from __future__ import annotations

import json
import logging
import uuid
from unittest import mock

import pytest
from django.test import Client, override_settings

from kliento.accounts import tokens
from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor
from tests.api.envelope import assert_envelope

TOKENS_URL = "/api/v1/me/tokens"


def test_malformed_json_is_400(cardholder_client: Client) -> None:
    response = cardholder_client.post(
        TOKENS_URL, data='{"name": "half', content_type="application/json"
    )

    assert_envelope(response, 400, "malformed_json")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_no_authentication_is_401(client: Client) -> None:
    response = client.get("/api/v1/me")

    assert_envelope(response, 401, "not_authenticated")


@pytest.mark.django_db
def test_unknown_bearer_token_is_401_invalid_token(client: Client) -> None:
    response = client.get(
        "/api/v1/me", headers={"Authorization": "Bearer kl_0123456789ab_notarealsecret"}
    )

    assert_envelope(response, 401, "invalid_token")


@pytest.mark.django_db
def test_session_post_without_csrf_token_is_403(cardholder: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cardholder)

    response = browser.post(TOKENS_URL, data={"name": "x"}, content_type="application/json")

    assert_envelope(response, 403, "csrf_failed")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_session_post_with_csrf_token_is_accepted(cardholder: User) -> None:
    # Given a signed-in browser that has the CSRF cookie from a page
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cardholder)
    browser.get("/account/tokens/")
    csrf = browser.cookies["csrftoken"].value

    # When it posts with the token in the header
    response = browser.post(
        TOKENS_URL,
        data={"name": "Laptop script"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    # Then the token is made
    assert response.status_code == 201
    assert response.json()["name"] == "Laptop script"


@pytest.mark.django_db
def test_a_token_cannot_mint_tokens_403(bearer_client: Client) -> None:
    response = bearer_client.post(TOKENS_URL, data={"name": "x"}, content_type="application/json")

    assert_envelope(response, 403, "permission_denied")
    assert ApiToken.objects.count() == 1


def test_unknown_object_is_404(cardholder_client: Client) -> None:
    response = cardholder_client.delete(f"{TOKENS_URL}/{uuid.uuid4()}")

    assert_envelope(response, 404, "not_found")


def test_another_persons_token_is_404_and_stays_usable(
    cardholder_client: Client, other_cardholder: User
) -> None:
    theirs, plaintext = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL,
        name="Theirs",
        user=other_cardholder,
        actor=Actor.person(other_cardholder),
    )

    response = cardholder_client.delete(f"{TOKENS_URL}/{theirs.public_id}")

    assert_envelope(response, 404, "not_found")
    assert tokens.token_authenticate(raw=plaintext) is not None


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v2/me", "/api/", "/api/v1/me/tokens/1/extra"]
)
def test_unknown_api_path_is_404_even_with_debug(client: Client, path: str, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        response = client.get(path)

    assert_envelope(response, 404, "not_found")


def test_malformed_id_in_the_path_is_422_naming_the_parameter(cardholder_client: Client) -> None:
    response = cardholder_client.delete(f"{TOKENS_URL}/not-a-uuid")

    body = assert_envelope(response, 422, "validation_failed")
    assert body["details"]["errors"][0]["loc"] == ["path", "token_id"]


def test_wrong_method_is_405_with_allow_header(cardholder_client: Client) -> None:
    response = cardholder_client.put("/api/v1/me", data="{}", content_type="application/json")

    assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_second_token_with_the_same_name_is_409(cardholder_client: Client) -> None:
    first = cardholder_client.post(
        TOKENS_URL, data={"name": "Phone"}, content_type="application/json"
    )
    assert first.status_code == 201

    second = cardholder_client.post(
        TOKENS_URL, data={"name": " Phone "}, content_type="application/json"
    )

    body = assert_envelope(second, 409, "name_taken")
    assert body["details"] == {"field": "name"}
    assert ApiToken.objects.count() == 1


def test_a_revoked_tokens_name_can_be_used_again(cardholder_client: Client) -> None:
    first = cardholder_client.post(
        TOKENS_URL, data={"name": "Phone"}, content_type="application/json"
    )
    cardholder_client.delete(f"{TOKENS_URL}/{first.json()['id']}")

    second = cardholder_client.post(
        TOKENS_URL, data={"name": "Phone"}, content_type="application/json"
    )

    assert second.status_code == 201


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_is_413(cardholder_client: Client) -> None:
    body = json.dumps({"name": "x" * 2000})

    response = cardholder_client.post(TOKENS_URL, data=body, content_type="application/json")

    envelope = assert_envelope(response, 413, "body_too_large")
    assert envelope["details"] == {"max_bytes": 1000}
    assert not ApiToken.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_form_body_is_413_too(cardholder_client: Client) -> None:
    response = cardholder_client.post(TOKENS_URL, data={"name": "x" * 2000})

    assert_envelope(response, 413, "body_too_large")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({}, "name"),
        ({"name": "ok", "expires_in_days": 0}, "expires_in_days"),
    ],
)
def test_invalid_fields_are_422_with_their_location(
    cardholder_client: Client, payload: dict[str, object], field: str
) -> None:
    response = cardholder_client.post(TOKENS_URL, data=payload, content_type="application/json")

    body = assert_envelope(response, 422, "validation_failed")
    assert [error["loc"][-1] for error in body["details"]["errors"]] == [field]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("debug", [False, True])
def test_unexpected_exception_in_an_endpoint_is_500(
    cardholder_client: Client, debug: bool, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        override_settings(DEBUG=debug),
        mock.patch(
            "kliento.accounts.selectors.personal_tokens_of", side_effect=RuntimeError("kaboom")
        ),
    ):
        response = cardholder_client.get(TOKENS_URL)

    body = assert_envelope(response, 500, "server_error")
    assert "kaboom" not in body["message"]
    assert "kaboom" in caplog.text  # the operator gets the traceback in the log


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.urls("tests.api.urls_boom")
def test_unexpected_exception_outside_ninja_under_api_is_500(debug: bool) -> None:
    client = Client(raise_request_exception=False)

    with override_settings(DEBUG=debug):
        response = client.get("/api/v1/boom")

    assert_envelope(response, 500, "server_error")


@pytest.mark.django_db
def test_logs_of_refusals_never_carry_the_bearer_token(
    client: Client, cardholder: User, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a token that works, one revoked and one made up
    _token, good = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL, name="App", user=cardholder, actor=Actor.person(cardholder)
    )
    revoked, revoked_secret = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL, name="Old", user=cardholder, actor=Actor.person(cardholder)
    )
    tokens.token_revoke(token=revoked, actor=Actor.person(cardholder))
    made_up = "kl_0123456789ab_" + "s3cr3t" * 6
    caplog.set_level(logging.DEBUG)

    # When they are used in every way that ends in an error (with DEBUG on, too)
    with override_settings(DEBUG=True):
        for header in (f"Bearer {revoked_secret}", f"Bearer {made_up}", f"Token {good}"):
            client.get("/api/v1/me", headers={"Authorization": header})
        client.post(
            TOKENS_URL,
            data="{not json",
            content_type="application/json",
            headers={"Authorization": f"Bearer {good}"},
        )
        with mock.patch(
            "kliento.accounts.selectors.personal_tokens_of", side_effect=RuntimeError("kaboom")
        ):
            client.get(TOKENS_URL, headers={"Authorization": f"Bearer {good}"})

    # Then the refusals are logged, and no secret is in any log line
    assert "invalid_token" in caplog.text
    assert "server_error" in caplog.text or "kaboom" in caplog.text
    for secret in (good, revoked_secret, made_up):
        assert secret not in caplog.text
        assert secret.split("_", 2)[2] not in caplog.text
