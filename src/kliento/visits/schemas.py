from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import Field


class CheckinIn(Schema):
    card: str = Field(min_length=1, max_length=200, description="The card as scanned or typed.")
    amount: int | None = Field(default=None, ge=0, le=10_000_000, description="Purchase in cents.")
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=80)
    redeem_reward: UUID | None = Field(default=None, description="A reward to redeem now.")


class RewardOut(Schema):
    id: UUID
    program: UUID
    name: str
    expires_at: datetime


class ProgramStateOut(Schema):
    program: UUID
    name: str
    kind: str
    points: int
    stamps: int
    stamps_required: int | None
    earned_points: int
    earned_stamps: int
    skipped: str | None = Field(description="Why nothing was earned: too_soon, daily_cap, …")


class CardStateOut(Schema):
    id: UUID
    kind: str
    registered: bool
    registration_code: str | None = Field(
        description="Shown once, at the card's first use, for registering it."
    )


class CheckinOut(Schema):
    visit: UUID
    at: datetime
    premises: UUID
    replayed: bool
    card: CardStateOut
    loyalty: list[ProgramStateOut]
    rewards_available: list[RewardOut]
    redeemed: RewardOut | None
    customer: dict[str, Any] = Field(
        description="The profile items this person shares with this merchant, by item key."
    )


class RedeemIn(Schema):
    code: str = Field(min_length=4, max_length=20)


class NamedOut(Schema):
    id: UUID
    name: str


class VisitCardOut(Schema):
    id: UUID
    kind: str
    registered: bool


class VisitLoyaltyOut(Schema):
    points: int = Field(description="Points this visit earned (0 once reversed).")
    stamps: int = Field(description="Stamps this visit earned (0 once reversed).")
    reversed: bool


class MyVisitOut(Schema):
    id: UUID
    at: datetime
    merchant: NamedOut
    premises: NamedOut
    card: UUID | None = Field(description="The card used; null once the card was erased.")
    amount: int | None = Field(description="Purchase in cents, when the till gave it.")
    loyalty: VisitLoyaltyOut


class MyVisitPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[MyVisitOut]


class MerchantVisitOut(Schema):
    id: UUID
    at: datetime
    premises: NamedOut
    card: VisitCardOut | None
    amount: int | None
    loyalty: VisitLoyaltyOut


class MerchantVisitPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[MerchantVisitOut]
