from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field


class IssuerOut(Schema):
    name: str
    kind: str = Field(description="kliento, travel or merchant")


class CardOut(Schema):
    id: UUID
    kind: str = Field(description="kliento, contactless or phone")
    kind_label: str
    masked: str = Field(description="The card as its holder recognises it: the last four.")
    issuer: IssuerOut
    status: str = Field(description="active, blocked or replaced")
    registered_at: datetime | None
    blocked_at: datetime | None
    last_used_at: datetime | None


class CardRegisterIn(Schema):
    card_number: str = Field(
        min_length=1, max_length=200, description="The number printed on the card, or its UID."
    )
    code: str = Field(
        min_length=4, max_length=20, description="The registration code from the card or a till."
    )


class CardBlockIn(Schema):
    reason: str = Field(default="lost", max_length=200)


class CardChangeIn(Schema):
    old_card: UUID = Field(description="The card the new card replaces.")
    code: str = Field(min_length=4, max_length=20, description="The change code from the till.")


class QrOut(Schema):
    token: str = Field(description="Show as a QR code; a till scans it as the card.")
    card: UUID
    expires_at: datetime
    refresh_after_seconds: int = Field(description="Fetch a fresh token after this long.")
