"""Each limiting loyalty rule stops a visit from earning, says why, and lets the next
qualifying visit earn again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kliento.audit.actors import Actor
from kliento.cards.services import card_issue_kliento
from kliento.visits import rules
from kliento.visits.services import checkin_record
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db


def visit(world: MerchantWorld, number: str, amount_cents: int = 1250) -> tuple[int, str | None]:
    """Points earned in the points program, and why nothing was earned (if so)."""
    result = checkin_record(
        premises=world.premises, card_input=number, amount_cents=amount_cents,
        actor=world.actor(world.cashier),
    )  # fmt: skip
    earned = result.earned[world.points.pk]
    return earned.points, earned.skipped


@pytest.fixture
def number(merchant_a: MerchantWorld) -> str:
    _card, number, _code = card_issue_kliento(actor=Actor.system("tests"))
    return number


def test_a_daily_cap_refuses_the_second_earning_of_the_day(
    merchant_a: MerchantWorld, number: str
) -> None:
    merchant_a.points.daily_cap = 1
    merchant_a.points.save()

    assert visit(merchant_a, number)[0] > 0
    assert visit(merchant_a, number) == (0, "daily_cap")
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert visit(merchant_a, number)[0] > 0
    assert "today's limit" in rules.skipped_text("daily_cap")


def test_a_minimum_interval_refuses_a_visit_too_soon(
    merchant_a: MerchantWorld, number: str
) -> None:
    merchant_a.points.min_minutes_between = 60
    merchant_a.points.save()

    assert visit(merchant_a, number)[0] > 0
    assert visit(merchant_a, number) == (0, "too_soon")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert visit(merchant_a, number)[0] > 0


def test_a_minimum_purchase_refuses_a_smaller_one(merchant_a: MerchantWorld, number: str) -> None:
    merchant_a.points.min_purchase_cents = 1000
    merchant_a.points.save()

    assert visit(merchant_a, number, amount_cents=999) == (0, "below_minimum_purchase")
    assert visit(merchant_a, number, amount_cents=1000)[0] > 0
