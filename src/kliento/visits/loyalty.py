"""Loyalty rules over the append-only ledger: balances, earning, rewards.

A loyalty account is the holder (all cards of a registered person) or, before anyone
registers it, the card alone. Balances are sums over the ledger; writers lock the
account's card rows in pk order first, so concurrent redemptions see each other's
entries and a balance never goes negative.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from kliento.audit.actors import Actor
from kliento.cards.models import Card
from kliento.common import crypto
from kliento.visits.models import LedgerEntry, LoyaltyProgram, Reward, Visit


def account_card_ids(card: Card, *, lock: bool = False) -> list[int]:
    """The cards whose ledger makes up ``card``'s account, locked in pk order if asked."""
    cards = (
        Card.objects.filter(holder_id=card.holder_id)
        if card.holder_id
        else Card.objects.filter(pk=card.pk)
    )
    if lock:
        cards = cards.select_for_update()
    return list(cards.order_by("pk").values_list("pk", flat=True))


@dataclass
class Balance:
    points: int = 0
    stamps: int = 0


def balances(program_ids: list[int], card_ids: list[int]) -> dict[int, Balance]:
    """Points and stamps per program for an account, in one query."""
    rows = (
        LedgerEntry.objects.filter(program_id__in=program_ids, card_id__in=card_ids)
        .values("program_id")
        .annotate(points=Sum("points"), stamps=Sum("stamps"))
    )
    result = {pid: Balance() for pid in program_ids}
    for row in rows:
        result[row["program_id"]] = Balance(row["points"] or 0, row["stamps"] or 0)
    return result


def reward_code(reward: Reward) -> str:
    """The reward's single-use code: derived from its id with the service's key, so it
    can be shown to its holder any time and is never stored."""
    digest = crypto.blind_index("reward-code", str(reward.public_id))
    return base64.b32encode(digest).decode()[:8]


def reward_code_lookup(code: str) -> bytes:
    return crypto.blind_index("reward-code-lookup", code.strip().upper().replace("-", ""))


@dataclass
class Earned:
    program: LoyaltyProgram
    points: int = 0
    stamps: int = 0
    skipped: str | None = None
    new_rewards: list[Reward] = field(default_factory=list)


def _skip_reason(
    program: LoyaltyProgram, card_ids: list[int], amount_cents: int | None, now: datetime
) -> str | None:
    if program.min_purchase_cents and (amount_cents or 0) < program.min_purchase_cents:
        return "below_minimum_purchase"
    earns = LedgerEntry.objects.filter(
        program=program, card_id__in=card_ids, kind=LedgerEntry.Kind.EARN, reversed_by__isnull=True
    )
    if (
        program.min_minutes_between
        and earns.filter(at__gt=now - timedelta(minutes=program.min_minutes_between)).exists()
    ):
        return "too_soon"
    if program.daily_cap:
        start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        if earns.filter(at__gte=start_of_day).count() >= program.daily_cap:
            return "daily_cap"
    return None


def earn(
    *,
    program: LoyaltyProgram,
    card: Card,
    card_ids: list[int],
    balance: Balance,
    visit: Visit,
    actor: Actor,
) -> Earned:
    """Apply one visit to one program: points or a stamp, and a reward when a stamp card
    fills. The caller holds the account lock."""
    now = visit.at
    result = Earned(program)
    result.skipped = _skip_reason(program, card_ids, visit.amount_cents, now)
    if result.skipped:
        return result
    common = {
        "program": program,
        "card": card,
        "visit": visit,
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "at": now,
    }
    if program.kind == LoyaltyProgram.Kind.POINTS:
        points = (
            program.points_per_visit + program.points_per_euro * (visit.amount_cents or 0) // 100
        )
        if points:
            LedgerEntry.objects.create(
                kind=LedgerEntry.Kind.EARN, points=points, reason="visit", **common
            )
            balance.points += points
        result.points = points
        return result
    LedgerEntry.objects.create(kind=LedgerEntry.Kind.EARN, stamps=1, reason="visit", **common)
    balance.stamps += 1
    result.stamps = 1
    if balance.stamps >= program.stamps_required:
        reward = issue_reward(program=program, card=card, now=now)
        LedgerEntry.objects.create(
            kind=LedgerEntry.Kind.REDEEM, stamps=-program.stamps_required, reward=reward,
            reason="stamp card full", **common,
        )  # fmt: skip
        balance.stamps -= program.stamps_required
        result.new_rewards.append(reward)
    return result


def issue_reward(*, program: LoyaltyProgram, card: Card, now: datetime) -> Reward:
    reward = Reward(
        program=program,
        card=card,
        earned_at=now,
        expires_at=now + timedelta(days=program.reward_valid_days),
    )
    reward.code_lookup = reward_code_lookup(reward_code(reward))
    reward.save(force_insert=True)
    return reward


def available_rewards(program_ids: list[int], card_ids: list[int]) -> list[Reward]:
    now = timezone.now()
    return list(
        Reward.objects.filter(
            Q(program_id__in=program_ids) & Q(card_id__in=card_ids),
            status=Reward.Status.AVAILABLE,
            expires_at__gt=now,
        ).order_by("expires_at")
    )
