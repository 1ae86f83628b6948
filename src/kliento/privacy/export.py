"""The person's data export: a registry of sections, and the streamed JSON document.

How to register a section (for every app whose models refer to a person)
-------------------------------------------------------------------------
Create ``src/kliento/<app>/export_sections.py`` (it is imported automatically when the
privacy app is ready) and register one :class:`Section` per kind of record::

    from kliento.privacy.export import Section, register

    def _answers(subject: Subject) -> Iterator[dict[str, Any]]:
        rows = Answer.objects.filter(subject=subject).order_by("pk")
        for row in rows.values("public_id", "question", "answer", "at").iterator(chunk_size=2000):
            yield {"id": str(row["public_id"]), ..., "at": row["at"]}

    register(
        Section(
            name="survey_answers",               # stable key in the JSON; never rename
            title=_("Survey answers"),           # shown on /profile/export/
            models=("surveys.Answer",),          # every model the section covers
            items=("surveys",),                  # catalogue item keys (purpose, basis, ...)
            rows=_answers,
            count=lambda subject: Answer.objects.filter(subject=subject).count(),  # optional
            erase=lambda subject: Answer.objects.filter(subject=subject).delete(),  # optional
        )
    )

Rules for ``rows``:

* a generator over the subject's own rows only (never another person's), yielding
  dicts of JSON-able values (``datetime``/``date``/``UUID``/``Decimal`` are encoded for
  you);
* stream from the database (``.values(...).iterator(chunk_size=...)`` or
  ``.iterator(chunk_size=...)``) so memory does not grow with the person's history;
  never ``list()`` an unbounded queryset;
* no audit writes: the export view records one entry when someone other than the
  person reads it.

``erase`` (optional) deletes or anonymises the section's rows when the person cancels
their account (set-based, idempotent: it may run again after a backup is restored).
Rows that must outlive the account (proof kept under a legal obligation) keep only the
pseudonymous subject reference and no plaintext.

``models`` is what the completeness test checks: every model with a foreign key or
one-to-one field to ``register.Subject`` or ``accounts.User`` must be named by some
section (or exempted, with a reason, in tests/privacy/test_export_coverage.py).
``items`` names catalogue items; their purpose, legal basis, source, recipients and
retention are written into the section's ``about`` block (see docs/export-schema.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kliento.register import catalogue
from kliento.register.models import Subject

SCHEMA_VERSION = 1

Rows = Callable[[Subject], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    """One kind of record in the export."""

    name: str
    title: Promise | str
    models: tuple[str, ...]  # "app_label.ModelName" of every model this section covers
    items: tuple[str, ...]  # catalogue item keys this section's records belong to
    rows: Rows
    description: Promise | str = ""
    # How many rows ``rows`` yields, cheaply (a COUNT); without it the page counts rows.
    count: Callable[[Subject], int] | None = None
    # Set-based delete or anonymisation of this section's rows of the subject (UPDATE/
    # DELETE ... WHERE subject=..., never a loop over rows); account_cancel and
    # replay-erasures call it inside their transaction, before the data key is destroyed.
    erase: Callable[[Subject], object] | None = None


_REGISTRY: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add ``section`` to the export; a name registered twice is a programming error."""
    existing = _REGISTRY.get(section.name)
    if existing is not None and existing.rows is not section.rows:
        raise ValueError(f"export section {section.name!r} is registered twice")
    for key in section.items:
        if key not in catalogue.BY_KEY:
            raise ValueError(f"export section {section.name!r}: unknown catalogue item {key!r}")
    _REGISTRY[section.name] = section
    return section


def sections() -> list[Section]:
    """Every registered section, in registration order."""
    return list(_REGISTRY.values())


def covered_models() -> set[str]:
    """Labels ("app_label.ModelName") of every model some section covers."""
    return {label for section in _REGISTRY.values() for label in section.models}


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


# --- fast streaming reads for the long sections ------------------------------------------


def stream_rows(rows: QuerySet[Any], *, chunk_size: int = 2000) -> Iterator[tuple[Any, ...]]:
    """The tuples of a ``values_list`` queryset, streamed from the database.

    On SQLite the query runs on a plain cursor, which the sqlite3 module reads lazily,
    without Django's per-value converters (the cost of a long export): datetimes come as
    UTC text and UUIDs as 32 hex digits, so format them with :func:`iso` and
    :func:`uuid_text`, which accept both forms. Elsewhere Django's server-side
    ``.iterator()`` streams them.
    """
    if connection.vendor != "sqlite":
        yield from rows.iterator(chunk_size=chunk_size)
        return
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(chunk_size):
            yield from chunk


def iso(value: dt.datetime | str | None) -> str | None:
    """ISO 8601 with offset of a datetime, or of SQLite's UTC forms of one."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.replace(" ", "T", 1) + "+00:00"
    if value.tzinfo is None:  # SQLite's converter gives the stored UTC time, naive
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def uuid_text(value: UUID | str | None) -> str | None:
    """The canonical text of a UUID, or of SQLite's 32-hex-digit form of one."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


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
