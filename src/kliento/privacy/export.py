"""The person's data export: the streamed JSON document of every registered section.

The sections themselves are declared by the apps that own the records, each in
``src/kliento/<app>/personal_data.py`` registered from its ``AppConfig.ready()``; the
contract (:class:`~kliento.common.personal_data.Section`, ``register_section``,
``sections()``) and how to add a section are in :mod:`kliento.common.personal_data`.
``items`` names catalogue items; their purpose, legal basis, source, recipients and
retention are written into the section's ``about`` block (see docs/export-schema.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kliento.common.personal_data import (
    Section,
    covered_models,
    iso,
    sections,
    stream_rows,
    uuid_text,
)
from kliento.register import catalogue
from kliento.register.models import Subject

__all__ = [
    "SCHEMA_VERSION",
    "Section",
    "covered_models",
    "iso",
    "item_about",
    "section_counts",
    "sections",
    "stream_json",
    "stream_rows",
    "uuid_text",
]

SCHEMA_VERSION = 1


# --- what the catalogue says about an item ---------------------------------------------

RECIPIENTS: dict[str, tuple[Promise, ...]] = {
    "shareable": (_("Merchants you choose to share this item with"),),
    "visits": (_("The merchant where the visit happened"),),
    "loyalty": (_("The merchant whose loyalty program it is"),),
    "card_identifiers": (
        _("The merchant where you show the card"),
        _("The card's issuer, for cards you have taken into use"),
    ),
    "sharing": (_("The merchants concerned"),),
}


def item_recipients(item: catalogue.Item) -> list[str]:
    """Who receives the item besides the register holder (and its processors)."""
    declared = item.extra.get("recipients")
    if declared:
        return [str(r) for r in declared]
    found = RECIPIENTS.get(item.key) or (RECIPIENTS["shareable"] if item.shareable else ())
    return [str(r) for r in found]


def item_about(item: catalogue.Item) -> dict[str, Any]:
    """The item's purposes, legal basis, source, recipients and retention."""
    return {
        "item": item.key,
        "label": str(item.label),
        "category": str(item.category),
        "purposes": [str(p) for p in item.purposes],
        "legal_basis": str(item.legal_basis),
        "source": str(item.source),
        "recipients": item_recipients(item),
        "retention": {"days": item.retention.days, "description": str(item.retention.description)},
        "special_category": item.special_category,
    }


# --- the JSON document, streamed -------------------------------------------------------


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal | Promise):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON-able in an export: {type(value).__name__}")


_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default)


def _dumps(value: Any) -> str:
    return _encoder.encode(value)


def header(subject: Subject) -> dict[str, Any]:
    """The document's fixed fields."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.now(),
        "subject": str(subject.public_id),
    }


def stream_json(
    subject: Subject, *, flush_bytes: int = 64 * 1024, batch_rows: int = 500
) -> Iterator[str]:
    """The whole export as JSON text, in chunks of about ``flush_bytes`` characters.

    Shape: ``{"schema_version": 1, "generated_at", "subject", "sections": {name:
    {"title", "about": [...], "rows": [...]}}}`` (docs/export-schema.md). Rows are
    encoded ``batch_rows`` at a time (one call into the C encoder per batch).
    """
    buffer: list[str] = []
    size = 0

    def emit(text: str) -> Iterator[str]:
        nonlocal size
        buffer.append(text)
        size += len(text)
        if size >= flush_bytes:
            yield "".join(buffer)
            buffer.clear()
            size = 0

    head = _dumps(header(subject))
    yield from emit(head[:-1] + ',"sections":{')
    for index, section in enumerate(sections()):
        about = [item_about(catalogue.BY_KEY[key]) for key in section.items]
        opening = "," if index else ""
        opening += _dumps(section.name) + ":" + _dumps({"title": section.title, "about": about})
        yield from emit(opening[:-1] + ',"rows":[')
        first = True
        for batch in _batched(section.rows(subject), batch_rows):
            yield from emit(("" if first else ",") + _dumps(batch)[1:-1])
            first = False
        yield from emit("]}")
    buffer.append("}}\n")
    yield "".join(buffer)


def _batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def section_counts(subject: Subject) -> list[tuple[Section, int]]:
    """Each section with how many rows it has for ``subject`` (for the readable page)."""
    return [
        (
            section,
            section.count(subject)
            if section.count is not None
            else sum(1 for _row in section.rows(subject)),
        )
        for section in sections()
    ]
