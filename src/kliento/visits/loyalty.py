"""Loyalty over the append-only ledger: balances, earning by the rules, rewards.

A loyalty account is the holder (all cards of a registered person) or, before anyone
registers it, the card alone. Balances are sums over the ledger; writers lock the
account's card rows in pk order first, so concurrent redemptions see each other's
entries and a balance never goes negative.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from kliento.audit.actors import Actor
from kliento.cards.models import Card
from kliento.common import crypto
from kliento.register.models import Subject
from kliento.visits import rules
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


def earn(
    *,
    program: LoyaltyProgram,
    card: Card,
    card_ids: list[int],
    balance: Balance,
    visit: Visit,
    actor: Actor,
) -> Earned:
    """Apply one visit to one program by its rules: unless a limit refuses, the points
    and stamps the earning rules give, then any reward they hand out (a full stamp
    card). The caller holds the account lock."""
    now = visit.at
    result = Earned(program)
    visiting = rules.Visiting(
        amount_cents=visit.amount_cents,
        at=now,
        earlier_earnings=LedgerEntry.objects.filter(
            program=program,
            card_id__in=card_ids,
            kind=LedgerEntry.Kind.EARN,
            reversed_by__isnull=True,
        ),
    )
    for limit in rules.limits_for(program.kind):
        if limit.refuses(program, visiting):
            result.skipped = limit.reason
            return result
    earning = rules.for_kind(program.kind)
    result.points = sum(rule.points(program, visiting) for rule in earning)
    result.stamps = sum(rule.stamps(program, visiting) for rule in earning)
    common = {
        "program": program,
        "card": card,
        "visit": visit,
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "at": now,
    }
    if result.points or result.stamps:
        LedgerEntry.objects.create(
            kind=LedgerEntry.Kind.EARN, points=result.points, stamps=result.stamps,
            reason="visit", **common,
        )  # fmt: skip
        balance.points += result.points
        balance.stamps += result.stamps
    for rule in earning:
        settled = rule.settle(program, balance.points, balance.stamps)
        if settled is None:
            continue
        reward = issue_reward(program=program, card=card, now=now)
        LedgerEntry.objects.create(
            kind=LedgerEntry.Kind.REDEEM, points=-settled.points, stamps=-settled.stamps,
            reward=reward, reason=settled.reason, **common,
        )  # fmt: skip
        balance.points -= settled.points
        balance.stamps -= settled.stamps
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


@dataclass
class ProgramSummary:
    """One program of a person as customer service sees it: the balance (the ledger's
    sum), the rewards by state and the newest ledger entries."""

    program: LoyaltyProgram
    balance: Balance
    rewards_available: int = 0
    rewards_used: int = 0
    rewards_expired: int = 0
    entries: list[LedgerEntry] = field(default_factory=list)


def person_loyalty(*, subject: Subject, entries_limit: int = 50) -> list[ProgramSummary]:
    """Every program the person has points, stamps or rewards in, or whose merchant they
    visited: balances summed over the ledger of all cards they hold, rewards counted by
    state (an available reward past its expiry counts as expired), and the newest
    ``entries_limit`` ledger entries of each. Four queries (three without entries), each
    bounded by the person's own rows, however long anyone's history."""
    # Subqueries, not joins: joining the ledger and the rewards of every customer of
    # every program and then DISTINCT would grow with the whole merchant's history.
    mine = (
        Q(pk__in=LedgerEntry.objects.filter(card__holder=subject).values("program_id"))
        | Q(pk__in=Reward.objects.filter(card__holder=subject).values("program_id"))
        | Q(merchant_id__in=Visit.objects.filter(card__holder=subject).values("merchant_id"))
    )
    programs = list(
        LoyaltyProgram.objects.filter(mine)
        .select_related("merchant")
        .order_by("merchant__name", "name", "pk")
    )
    ids = [p.pk for p in programs]
    sums = {
        row["program_id"]: Balance(row["points"] or 0, row["stamps"] or 0)
        for row in LedgerEntry.objects.filter(program_id__in=ids, card__holder=subject)
        .values("program_id")
        .annotate(points=Sum("points"), stamps=Sum("stamps"))
    }
    summaries = {p.pk: ProgramSummary(p, sums.get(p.pk, Balance())) for p in programs}
    now = timezone.now()
    expired = Q(status=Reward.Status.EXPIRED) | Q(
        status=Reward.Status.AVAILABLE, expires_at__lte=now
    )
    for row in (
        Reward.objects.filter(program_id__in=ids, card__holder=subject)
        .values("program_id")
        .annotate(
            available=Count("pk", filter=Q(status=Reward.Status.AVAILABLE, expires_at__gt=now)),
            used=Count("pk", filter=Q(status=Reward.Status.REDEEMED)),
            expired=Count("pk", filter=expired),
        )
    ):
        summary = summaries[row["program_id"]]
        summary.rewards_available = row["available"]
        summary.rewards_used = row["used"]
        summary.rewards_expired = row["expired"]
    if entries_limit <= 0:
        return list(summaries.values())
    ranked = LedgerEntry.objects.filter(program_id__in=ids, card__holder=subject).annotate(
        rank=Window(
            RowNumber(), partition_by=[F("program_id")], order_by=[F("at").desc(), F("pk").desc()]
        )
    )
    for entry in ranked.filter(rank__lte=entries_limit).order_by("-at", "-pk"):
        summaries[entry.program_id].entries.append(entry)
    return list(summaries.values())
