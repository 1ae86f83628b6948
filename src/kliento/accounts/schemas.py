"""Explicit in/out schemas for the accounts endpoints."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field


class MeOut(Schema):
    id: UUID
    email: str
    language: str
    is_staff: bool


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, pattern=r"\S")
    expires_in_days: int | None = Field(
        default=None, ge=1, le=366, description="Days until the token stops working; none: never."
    )


class TokenOut(Schema):
    id: UUID
    name: str
    kind: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown only in this response.")
