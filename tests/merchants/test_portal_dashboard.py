"""The dashboard: counts for the last 30 days as accessible inline SVG charts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kliento.visits import charts
from kliento.visits.models import Reward, Visit
from tests.conftest import MerchantWorld
from tests.merchants.conftest import check_in, url

pytestmark = pytest.mark.django_db


def test_the_dashboard_draws_four_accessible_charts(
    owner: Client, merchant_a: MerchantWorld
) -> None:
    body = owner.get(url(merchant_a, "dashboard")).content.decode()

    assert body.count('<svg viewBox="0 0 480') == 4
    for slug in ("visits-per-day", "visits-per-premises", "new-and-returning", "rewards-redeemed"):
        assert f'aria-labelledby="{slug}-title {slug}-desc"' in body
        assert f'<title id="{slug}-title">' in body
    assert body.count("Show the numbers as a table") == 4
    assert "<script" not in body.split("<main", 1)[1].split("</main>")[0]


def test_the_numbers_count_this_merchants_visits_and_rewards_only(
    owner: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    old = check_in(merchant_a, card="0123ABC0")
    Visit.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=60))
    check_in(merchant_a, card="0123ABC0")  # returning
    for _ in range(3):
        check_in(merchant_a)  # new; the third stamp fills the card
    Reward.objects.update(status=Reward.Status.REDEEMED, redeemed_at=timezone.now())
    check_in(merchant_b, card="0123ABC9")

    response = owner.get(url(merchant_a, "dashboard"))

    summary = dict(response.context["summary"])
    assert summary["Visits"] == 4
    assert summary["Customers"] == 2
    assert summary["New customers"] == 1
    assert summary["Rewards redeemed"] == 1
    body = response.content.decode()
    assert "1 visited for the first time, 1 had visited before" in body


def test_columns_scale_to_a_round_top_and_keep_inside_the_picture() -> None:
    chart = charts.columns(
        slug="x", title="T", description="D", label_heading="Day", value_heading="Visits",
        data=[("a", "a", 3), ("b", "", 7), ("c", "c", 0)],
    )  # fmt: skip

    assert [t.value for t in chart.ticks] == [0, 5, 10]
    five = charts.columns(
        slug="y",
        title="T",
        description="D",
        label_heading="Day",
        value_heading="Visits",
        data=[("a", "", 5)],
    )
    assert [t.value for t in five.ticks] == [0, 5]  # no line at 2.5 labelled 2
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.value == 7
    assert all(0 <= b.y <= chart.baseline and b.x + b.width <= chart.width for b in chart.bars)
    assert chart.bars[2].height == 0


def test_a_cashier_has_no_dashboard(cashier: Client, merchant_a: MerchantWorld) -> None:
    assert cashier.get(url(merchant_a, "dashboard")).status_code == 403
