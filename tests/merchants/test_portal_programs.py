"""Loyalty programs: points per euro or per visit, stamp cards, reward expiry and the
anti-fraud limits, set by owners and managers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kliento.visits.models import LoyaltyProgram
from tests.conftest import MerchantWorld
from tests.merchants.conftest import url

pytestmark = pytest.mark.django_db

STAMPS = {
    "name": "Lunch card", "kind": "stamps", "stamps_required": "8", "reward_name": "Free lunch",
    "reward_valid_days": "30", "points_per_euro": "0", "points_per_visit": "0",
    "reward_points": "0", "min_minutes_between": "120", "daily_cap": "1", "min_purchase": "8.50",
}  # fmt: skip


def test_the_owner_creates_a_stamp_card_with_limits(
    owner: Client, merchant_a: MerchantWorld
) -> None:
    response = owner.post(url(merchant_a, "program_new"), STAMPS)

    assert response.status_code == 302
    program = LoyaltyProgram.objects.get(name="Lunch card")
    assert (program.merchant, program.kind, program.stamps_required) == (
        merchant_a.merchant,
        "stamps",
        8,
    )
    assert (program.min_minutes_between, program.daily_cap, program.min_purchase_cents) == (
        120,
        1,
        850,
    )
    assert program.reward_valid_days == 30
    listing = owner.get(url(merchant_a, "programs")).content.decode()
    assert "Free lunch after 8 stamps" in listing


def test_the_owner_creates_a_points_program(owner: Client, merchant_a: MerchantWorld) -> None:
    data = {
        **STAMPS,
        "name": "Points",
        "kind": "points",
        "points_per_euro": "2",
        "reward_points": "100",
    }
    owner.post(url(merchant_a, "program_new"), data)

    program = LoyaltyProgram.objects.get(name="Points")
    assert (program.points_per_euro, program.reward_points) == (2, 100)


def test_the_owner_changes_terms_and_pauses_a_program(
    owner: Client, merchant_a: MerchantWorld
) -> None:
    path = url(merchant_a, "program_edit", merchant_a.stamps.public_id)
    assert 'value="Free lunch"' in owner.get(path).content.decode()

    data = {**STAMPS, "name": "Lunch", "stamps_required": "5", "is_active": ""}
    assert owner.post(path, data).status_code == 302

    merchant_a.stamps.refresh_from_db()
    assert (merchant_a.stamps.name, merchant_a.stamps.stamps_required) == ("Lunch", 5)
    assert merchant_a.stamps.is_active is False


def test_the_kind_of_a_program_cannot_change(owner: Client, merchant_a: MerchantWorld) -> None:
    path = url(merchant_a, "program_edit", merchant_a.stamps.public_id)
    owner.post(path, {**STAMPS, "kind": "points", "points_per_visit": "5", "is_active": "on"})

    merchant_a.stamps.refresh_from_db()
    assert merchant_a.stamps.kind == "stamps"  # the disabled field keeps its value


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"name": ""}, "This field is required."),
        ({"stamps_required": "0"}, "A stamp card needs at least one stamp."),
        ({"kind": "points"}, "Give points per euro, per visit, or both."),
        ({"reward_valid_days": "0"}, "A reward must be valid for a day."),
        ({"daily_cap": "-1"}, "greater than or equal to 0"),
        ({"min_purchase": "abc"}, "Enter a number."),
        ({"kind": "cashback"}, "Select a valid choice."),
    ],
)
def test_bad_terms_are_form_errors_and_create_nothing(
    owner: Client, merchant_a: MerchantWorld, change: dict[str, Any], error: str
) -> None:
    response = owner.post(url(merchant_a, "program_new"), {**STAMPS, **change})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert LoyaltyProgram.objects.filter(merchant=merchant_a.merchant).count() == 2


def test_bad_terms_change_nothing_on_edit(owner: Client, merchant_a: MerchantWorld) -> None:
    path = url(merchant_a, "program_edit", merchant_a.stamps.public_id)
    response = owner.post(path, {**STAMPS, "stamps_required": "0", "name": "Broken"})

    assert "A stamp card needs at least one stamp." in response.content.decode()
    merchant_a.stamps.refresh_from_db()
    assert (merchant_a.stamps.name, merchant_a.stamps.stamps_required) == (
        "Kahvila Aalto stamps",
        3,
    )


def test_a_cashier_cannot_create_programs(cashier: Client, merchant_a: MerchantWorld) -> None:
    assert cashier.post(url(merchant_a, "program_new"), STAMPS).status_code == 403
    assert not LoyaltyProgram.objects.filter(name="Lunch card").exists()


def test_the_program_list_shows_only_this_merchants_programs(
    owner: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    body = owner.get(url(merchant_a, "programs")).content.decode()

    assert "Kahvila Aalto points" in body
    assert "Bistro Berg" not in body
