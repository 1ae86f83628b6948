"""Explicit in/out schemas for the person's own profile over the API."""

from __future__ import annotations

from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field

# A value as stored: text (also e-mail, phone in E.164, ISO date, choice key), a list of
# tags, or an address {street, postal_code, city, country}.
ProfileValueData = str | list[str] | dict[str, str]

MAX_OPERATIONS = 100


class ProfileValueOut(Schema):
    id: UUID
    value: ProfileValueData
    is_primary: bool = Field(description="The primary value of a multi-valued item.")


class ChoiceOut(Schema):
    value: str
    label: str


class CatalogueItemOut(Schema):
    key: str
    label: str
    category: str
    category_label: str
    kind: str = Field(description="text, long_text, email, phone, date, choice, address or tags")
    multiple: bool = Field(description="Several values allowed, one of them primary.")
    max_length: int
    choices: list[ChoiceOut]
    special_category: bool = Field(description="Health data (GDPR art. 9).")
    requires_consent: str | None = Field(
        description="The consent purpose that must be given before values can be stored."
    )
    shareable: bool = Field(description="The person may share it with merchants.")
    help_text: str


class ProfileOut(Schema):
    items: dict[str, list[ProfileValueOut]] = Field(
        description="Every profile item by key, primary value first; [] when none."
    )
    consents: dict[str, bool] = Field(description="Consents that gate items, by purpose.")
    catalogue: list[CatalogueItemOut]


class ProfilePatchIn(Schema):
    """Changes applied together in one transaction: all of them, or none."""

    model_config = ConfigDict(extra="forbid")

    set: dict[str, ProfileValueData | None] = Field(
        default_factory=dict,
        max_length=MAX_OPERATIONS,
        description="Replace single-valued items; null clears one.",
    )
    add: dict[str, ProfileValueData] = Field(
        default_factory=dict,
        max_length=MAX_OPERATIONS,
        description="Add one value to an item (the first value of an item becomes primary).",
    )
    update: dict[UUID, ProfileValueData] = Field(
        default_factory=dict, max_length=MAX_OPERATIONS, description="Correct values by id."
    )
    delete: list[UUID] = Field(
        default_factory=list, max_length=MAX_OPERATIONS, description="Delete values by id."
    )
    primary: list[UUID] = Field(
        default_factory=list,
        max_length=MAX_OPERATIONS,
        description="Make values the primary one of their item.",
    )
