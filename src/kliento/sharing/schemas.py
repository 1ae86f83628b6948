from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import Field


class CustomerOut(Schema):
    id: UUID = Field(
        description="The customer's id at your business: stable, and different at every "
        "merchant, so it cannot be matched with another business's customers."
    )
    visits: int = Field(description="Visits at this merchant's premises.")
    last_visit: datetime | None
    member_since: datetime | None = Field(description="When the person joined, if they did.")
    shared_items: int = Field(description="How many profile items the person shares with you.")


class CustomerPageOut(Schema):
    count: int
    limit: int
    offset: int
    results: list[CustomerOut]


class CustomerVisitOut(Schema):
    id: UUID
    at: datetime
    premises: UUID
    amount: int | None = Field(description="Purchase in cents.")


class CustomerProgramOut(Schema):
    program: UUID
    name: str
    kind: str
    points: int
    stamps: int


class CustomerRewardOut(Schema):
    id: UUID
    program: UUID
    name: str
    expires_at: datetime


class CustomerDetailOut(CustomerOut):
    shared: dict[str, Any] = Field(
        description="The items the person shares with you now, by catalogue key; "
        "multi-valued items as lists, primary first. Read fresh and recorded."
    )
    loyalty: list[CustomerProgramOut]
    rewards_available: list[CustomerRewardOut]
    recent_visits: list[CustomerVisitOut] = Field(description="The 50 newest visits.")
