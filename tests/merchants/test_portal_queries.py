"""Every list and detail page of the portal makes the same number of queries however
many rows it shows (no query per row)."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.merchants import services
from kliento.merchants.models import Membership, Premises
from kliento.visits.models import LoyaltyProgram
from tests.conftest import MerchantWorld, make_user
from tests.merchants.conftest import check_in, count_queries, url

pytestmark = pytest.mark.django_db

PAGES = {
    "dashboard": 8,
    "premises": 4,
    "staff": 8,
    "programs": 4,
    "checkin": 7,
}


def grow(world: MerchantWorld, n: int) -> None:
    """More of everything: premises, staff with premises, invitations, programs, visits."""
    for i in range(n):
        premises = Premises.objects.create(merchant=world.merchant, name=f"Extra {n}-{i}")
        user = make_user(f"extra{n}-{i}@merchant.example")
        member = Membership.objects.create(merchant=world.merchant, user=user, role="cashier")
        member.premises.add(premises, world.premises)
        services.invitation_create(
            membership=world.owner_membership, email=f"inv{n}-{i}@example.fi", role="cashier",
            premises=[premises], actor=world.actor(world.owner),
        )  # fmt: skip
        LoyaltyProgram.objects.create(
            merchant=world.merchant, name=f"P{n}-{i}", kind="points", points_per_visit=1,
            reward_name="Tea",
        )  # fmt: skip
        check_in(world, card=f"0123AC{n:01X}{i:01X}")


@pytest.mark.parametrize(("name", "queries"), PAGES.items())
def test_list_pages_pin_their_query_count(
    owner: Client, merchant_a: MerchantWorld, name: str, queries: int
) -> None:
    grow(merchant_a, 1)
    few = count_queries(owner, url(merchant_a, name))
    grow(merchant_a, 4)

    assert count_queries(owner, url(merchant_a, name)) == few == queries


def test_the_visit_detail_pins_its_query_count(owner: Client, merchant_a: MerchantWorld) -> None:
    for _ in range(3):
        visit = check_in(merchant_a, amount_cents=900)  # the third fills the stamp card

    assert count_queries(owner, url(merchant_a, "visit", visit.public_id)) == 6
