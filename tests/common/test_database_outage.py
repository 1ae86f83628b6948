"""A database outage answers 503 with Retry-After, fast, and recovers on its own."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test import Client

from kliento.accounts.models import User


@pytest.mark.django_db
def test_the_api_answers_503_in_the_envelope_with_retry_after(cardholder: User) -> None:
    client = Client()
    client.force_login(cardholder)  # the session row was written before the outage

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", _refuse)
        response = client.get("/api/v1/me")

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_a_page_answers_503_with_retry_after(cardholder: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cardholder)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", _refuse)
        response = client.get("/profile/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"briefly unavailable" in response.content


@pytest.mark.django_db
def test_a_staff_page_answers_503_when_the_middleware_meets_the_outage(
    staff_user: Any,
) -> None:
    from kliento.accounts.roles import StaffRole

    client = Client(raise_request_exception=False)
    client.force_login(staff_user(StaffRole.CUSTOMER_SERVICE))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", _refuse)
        response = client.get("/staff/")  # the MFA middleware reads the user first

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("connection refused (the database is away)")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_connections_terminated_by_the_server_are_replaced_without_an_error(
    client: Client,
) -> None:
    assert client.get("/healthz").status_code == 200
    # Given the server terminates every connection the app holds (a failover, a restart)
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
        port=settings["PORT"] or 5432, password=settings["PASSWORD"] or None, autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()  # this thread's handle died with them; the pool keeps the rest

    # Then the next requests succeed: pooled connections are checked before use
    assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
