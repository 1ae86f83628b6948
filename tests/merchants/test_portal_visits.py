"""Visits: this merchant's only, 25 a page, per premises; another merchant's visit is 404."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.merchants.models import Premises
from kliento.visits.models import Visit
from tests.conftest import MerchantWorld
from tests.merchants.conftest import check_in, count_queries, signed_in, url

pytestmark = pytest.mark.django_db


def test_the_list_shows_this_merchants_visits_only(
    owner: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    mine = check_in(merchant_a, amount_cents=1250)
    theirs = check_in(merchant_b)

    body = owner.get(url(merchant_a, "visits")).content.decode()

    assert str(mine.public_id) in body
    assert "12.50 €" in body
    assert str(theirs.public_id) not in body
    assert "Bistro Berg" not in body


def test_the_list_is_paginated_and_pins_its_query_count(
    owner: Client, merchant_a: MerchantWorld
) -> None:
    check_in(merchant_a)
    one = count_queries(owner, url(merchant_a, "visits"))
    for n in range(30):
        check_in(merchant_a, card=f"0123AB{n:02X}")

    assert count_queries(owner, url(merchant_a, "visits")) == one == 6
    first = owner.get(url(merchant_a, "visits")).content.decode()
    assert "Page 1 of 2" in first
    second = owner.get(url(merchant_a, "visits") + "?page=2").content.decode()
    assert second.count('scope="row"><a href="/merchant/') == 6


def test_the_list_filters_by_premises(owner: Client, merchant_a: MerchantWorld) -> None:
    other = Premises.objects.create(merchant=merchant_a.merchant, name="Aalto Töölö")
    at_kamppi = check_in(merchant_a)
    at_toolo = Visit.objects.create(merchant=merchant_a.merchant, premises=other)

    body = owner.get(url(merchant_a, "visits"), {"premises": str(other.public_id)}).content.decode()

    assert str(at_toolo.public_id) in body
    assert str(at_kamppi.public_id) not in body


def test_another_merchants_premises_as_filter_is_ignored_not_leaked(
    owner: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    theirs = check_in(merchant_b)

    response = owner.get(
        url(merchant_a, "visits"), {"premises": str(merchant_b.premises.public_id)}
    )

    assert response.status_code == 200
    assert str(theirs.public_id) not in response.content.decode()


def test_a_cashier_sees_the_visits_at_their_premises_only(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    other = Premises.objects.create(merchant=merchant_a.merchant, name="Aalto Töölö")
    elsewhere = Visit.objects.create(merchant=merchant_a.merchant, premises=other)
    here = check_in(merchant_a)

    body = cashier.get(url(merchant_a, "visits")).content.decode()

    assert str(here.public_id) in body
    assert str(elsewhere.public_id) not in body
    assert cashier.get(url(merchant_a, "visit", elsewhere.public_id)).status_code == 404


def test_the_detail_shows_the_visit_and_its_ledger(
    owner: Client, merchant_a: MerchantWorld
) -> None:
    visit = check_in(merchant_a, amount_cents=2000)

    response = owner.get(url(merchant_a, "visit", visit.public_id))

    body = response.content.decode()
    assert "Till 1" in body
    assert "20.00 €" in body
    assert "Kahvila Aalto points" in body
    assert "•••• ABCD" in body  # the card, masked


@pytest.mark.parametrize("who", ["owner", "cashier"])
def test_every_visit_page_of_another_merchant_is_404(
    merchant_a: MerchantWorld, merchant_b: MerchantWorld, who: str
) -> None:
    theirs = check_in(merchant_b)
    client = signed_in(getattr(merchant_a, who))

    assert client.get(url(merchant_a, "visit", theirs.public_id)).status_code == 404
    assert client.get(url(merchant_b, "visit", theirs.public_id)).status_code == 404
    assert client.get(url(merchant_b, "visits")).status_code == 404
    reverse = client.post(url(merchant_a, "visit_reverse", theirs.public_id), {"reason": "x"})
    assert reverse.status_code == 404
