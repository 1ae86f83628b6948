"""Concurrent redemptions on PostgreSQL: balances never go negative.

Each thread has its own database connection (Django opens one per thread), all start
together at a barrier, and each tries to spend the same account's points or the same
reward. The account's card rows are locked first, so exactly the affordable number of
redemptions succeed and the rest are refused with a clear error code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from kliento.audit.actors import Actor
from kliento.cards.services import card_issue_kliento
from kliento.common.errors import DomainError
from kliento.visits import loyalty
from kliento.visits.models import LedgerEntry, Reward
from kliento.visits.services import points_claim_reward, reward_redeem_by_code
from tests.conftest import MerchantWorld

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
THREADS = 8


def race(work: Callable[[], Any], threads: int = THREADS) -> list[Any]:
    """Run ``work`` in ``threads`` threads at once; each result or DomainError code."""
    barrier = threading.Barrier(threads)
    results: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            try:
                outcome: Any = work()
            except DomainError as error:
                outcome = str(error.code)
            except Exception as error:
                outcome = repr(error)
            with lock:
                results.append(outcome)
        finally:
            connection.close()  # each thread's own connection goes back

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(results) == threads, "a worker hung or died"
    return results


def _earn(world: MerchantWorld, card_pk: int, points: int) -> None:
    LedgerEntry.objects.create(
        program=world.points, card_id=card_pk, kind=LedgerEntry.Kind.EARN, points=points,
        reason="test setup", actor_kind="system", actor_id="tests",
    )  # fmt: skip


def test_concurrent_point_claims_never_overdraw_the_balance(merchant_a: MerchantWorld) -> None:
    card, _number, _code = card_issue_kliento(actor=Actor.system("tests"))
    _earn(merchant_a, card.pk, 3 * merchant_a.points.reward_points + 20)  # three rewards' worth
    cashier = merchant_a.actor(merchant_a.cashier)

    results = race(lambda: points_claim_reward(program=merchant_a.points, card=card, actor=cashier))

    claimed = [r for r in results if isinstance(r, Reward)]
    refused = [r for r in results if not isinstance(r, Reward)]
    assert len(claimed) == 3
    assert refused == ["insufficient_balance"] * (THREADS - 3)
    balance = loyalty.balances([merchant_a.points.pk], [card.pk])[merchant_a.points.pk]
    assert balance.points == 20
    assert Reward.objects.filter(card=card).count() == 3
    # Replaying the ledger in order, the running balance is never below zero.
    running = 0
    for points in (
        LedgerEntry.objects.filter(card=card).order_by("pk").values_list("points", flat=True)
    ):
        running += points
        assert running >= 0


def test_one_reward_code_redeemed_at_once_from_many_tills_succeeds_once(
    merchant_a: MerchantWorld,
) -> None:
    card, _number, _code = card_issue_kliento(actor=Actor.system("tests"))
    _earn(merchant_a, card.pk, merchant_a.points.reward_points)
    cashier = merchant_a.actor(merchant_a.cashier)
    reward = points_claim_reward(program=merchant_a.points, card=card, actor=cashier)
    code = loyalty.reward_code(reward)

    results = race(
        lambda: reward_redeem_by_code(merchant=merchant_a.merchant, code=code, actor=cashier)
    )

    assert sum(isinstance(r, Reward) for r in results) == 1
    assert sorted(r for r in results if not isinstance(r, Reward)) == ["reward_unavailable"] * (
        THREADS - 1
    )
    reward.refresh_from_db()
    assert reward.status == Reward.Status.REDEEMED
    total = LedgerEntry.objects.filter(card=card).aggregate(p=Sum("points"))["p"]
    assert total == 0
