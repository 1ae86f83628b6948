"""Bad input on the API: each case gets the error envelope, one log line that names the
refusal without secrets or bodies, and no change to stored data."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from kliento.accounts import tokens
from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from tests.api.envelope import assert_envelope

pytestmark = pytest.mark.django_db

TOKENS_URL = "/api/v1/me/tokens"
SECRET_NAME = "private-name-Xq7"


def snapshot(user: User) -> tuple[object, ...]:
    """The rows a refused request must not touch."""
    rows = tuple(
        ApiToken.objects.filter(user=user)
        .order_by("pk")
        .values_list("pk", "name", "last_used_at", "revoked_at")
    )
    return rows, AuditEntry.objects.count()


def refusal_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("api refused")]


@pytest.fixture
def used_token(cardholder: User) -> str:
    _token, secret = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL, name="Phone", user=cardholder, actor=Actor.person(cardholder)
    )
    return secret


CASES: dict[str, tuple[Callable[[Client, str], object], int, str]] = {
    "malformed JSON": (
        lambda c, t: c.post(
            TOKENS_URL,
            data='{"name": "' + SECRET_NAME,
            content_type="application/json",
        ),
        400,
        "malformed_json",
    ),
    "oversized body": (
        lambda c, t: c.post(
            TOKENS_URL,
            data=json.dumps({"name": SECRET_NAME + "x" * 400_000}),
            content_type="application/json",
        ),
        413,
        "body_too_large",
    ),
    "invalid field": (
        lambda c, t: c.post(
            TOKENS_URL,
            data=json.dumps({"name": SECRET_NAME, "expires_in_days": -1}),
            content_type="application/json",
        ),
        422,
        "validation_failed",
    ),
    "a body that is not declared JSON": (
        lambda c, t: c.post(
            TOKENS_URL, data=json.dumps({"name": SECRET_NAME}), content_type="text/plain"
        ),
        415,
        "unsupported_media_type",
    ),
    "JSON nested too deeply to parse": (
        lambda c, t: c.post(
            TOKENS_URL, data="[" * 100_000 + "]" * 100_000, content_type="application/json"
        ),
        400,
        "malformed_json",
    ),
    "a NUL character in a name": (
        lambda c, t: c.post(
            TOKENS_URL,
            data=json.dumps({"name": SECRET_NAME + "\x00"}),
            content_type="application/json",
        ),
        422,
        "value_invalid",
    ),
    "an unpaired surrogate in a name": (
        lambda c, t: c.post(
            TOKENS_URL,
            data='{"name": "' + SECRET_NAME + '\\ud800"}',
            content_type="application/json",
        ),
        422,
        "value_invalid",
    ),
    "a NUL character in the query string": (
        lambda c, t: c.get("/api/v1/me/visits?x=%00"),
        422,
        "value_invalid",
    ),
    "unknown token": (
        lambda c, t: c.get("/api/v1/me", headers={"Authorization": f"Bearer {t}"}),
        401,
        "invalid_token",
    ),
}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=300_000)
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_the_envelope_a_clean_log_line_and_changes_nothing(
    cardholder: User, used_token: str, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    send, status, code = CASES[case]
    client = Client()
    client.force_login(cardholder)
    unknown = "kl_0123456789ab_" + "n0tAr3alS3cr3t" * 3
    before = snapshot(cardholder)

    with caplog.at_level(logging.INFO):
        response = send(client, unknown)

    assert_envelope(response, status, code)
    # one line naming the refusal ...
    [line] = refusal_lines(caplog)
    assert f"status={status} code={code}" in line
    # ... and nothing secret anywhere in the log: no body, no token, no address
    for secret in (SECRET_NAME, unknown, unknown.split("_", 2)[2], used_token):
        assert secret not in caplog.text
    assert cardholder.email not in caplog.text
    # and nothing stored changed
    assert snapshot(cardholder) == before


def test_unknown_token_for_a_real_lookup_does_not_touch_that_token(
    cardholder: User, used_token: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Given someone who knows a real token's public lookup part but not its secret
    lookup = "_".join(used_token.split("_", 2)[:2])  # "kl_<lookup>"; secrets may hold "_"
    guess = f"{lookup}_{'g' * 32}"
    before = snapshot(cardholder)

    with caplog.at_level(logging.INFO):
        response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {guess}"})

    assert_envelope(response, 401, "invalid_token")
    assert guess not in caplog.text
    assert "g" * 32 not in caplog.text
    # the real token was not marked as used, and still works
    assert snapshot(cardholder) == before
    assert tokens.token_authenticate(raw=used_token) is not None
