"""Explicit in/out schemas for the person's consents over the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field


class NoticeOut(Schema):
    version: str
    published: date
    hash: str = Field(description="SHA-256 over the purpose, version and English source text.")
    text: str = Field(description="The notice in the request's language.")
    requires_reconsent: bool = Field(
        description="This version changed what is agreed to: earlier consents no longer count."
    )


class ConsentOut(Schema):
    purpose: str
    label: str
    given: bool = Field(description="The newest event gave consent (to any notice version).")
    active: bool = Field(description="Consent that processing may rely on now.")
    needs_reconsent: bool = Field(description="Given, but the notice has changed since.")
    given_notice_version: str | None = Field(
        description="The notice version of the newest event, if any."
    )
    since: datetime | None = Field(description="Time of the newest event, if any.")
    notice: NoticeOut = Field(description="The current notice.")


class ConsentsOut(Schema):
    consents: list[ConsentOut]


class ConsentChangeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(max_length=40, description="A purpose key from GET /me/consents.")
    action: Literal["give", "withdraw"]
    notice_version: str = Field(
        max_length=20, description="The notice version the person was shown."
    )


class ConsentChangeOut(Schema):
    consent: ConsentOut
    receipt_id: UUID | None = Field(
        description="The receipt of the event recorded (or of the unchanged newest event)."
    )


class ReceiptOut(Schema):
    receipt_id: UUID
    purpose: str
    action: str
    at: datetime
    jws: str = Field(
        description="The receipt as a compact JWS (ES256), see /.well-known/jwks.json."
    )


class ReceiptsOut(Schema):
    receipts: list[ReceiptOut]
