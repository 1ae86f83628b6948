"""The committed OpenAPI document matches the live API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kliento.config.management.commands.openapi import openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
REGENERATE = (
    "docs/openapi.json differs from the live API. If the change is intended, run "
    "`make openapi` (or `kliento openapi`), review the diff and commit it."
)


@pytest.mark.django_db
def test_the_live_schema_is_served(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Kliento API"
    assert "/api/v1/me/tokens" in schema["paths"]


@pytest.mark.django_db
def test_the_committed_schema_matches_the_live_one(client: Client) -> None:
    live = client.get("/api/v1/openapi.json").json()

    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))

    assert live == committed, REGENERATE


def test_the_committed_file_is_exactly_what_the_command_writes() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == openapi_document(), REGENERATE


def test_the_command_writes_and_checks(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    with pytest.raises(CommandError, match="make openapi"):
        call_command("openapi", "--check", "--output", str(target))

    call_command("openapi", "--output", str(target))

    assert json.loads(target.read_text(encoding="utf-8"))["info"]["title"] == "Kliento API"
    call_command("openapi", "--check", "--output", str(target))


def test_every_operation_declares_the_error_envelope_and_its_error_statuses() -> None:
    from kliento.config.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    assert "ErrorEnvelope" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = {str(status) for status in operation["responses"]}
            assert {"400", "422", "429", "500", "503"} <= responses, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if "requestBody" in operation:
                assert "415" in responses, (method, path)
