"""The personal-data contract: what each app declares about the person's records.

Every app whose models hold personal data declares, in ``src/kliento/<app>/personal_data.py``
(imported from that app's ``AppConfig.ready()``), how each kind of record is

* **exported**: a :class:`Section` of the person's data export (``rows``);
* **erased** when the person cancels their account: ``erase``, or ``erase=None`` with
  ``kept_because`` saying why the rows stay (proof kept under a legal obligation, which
  keeps only the pseudonymous subject reference and no plaintext);
* **retained**: the catalogue items' periods (``items``, or ``retention_item`` when the
  section has no items), and the :class:`RecordKind` s (``retention``) whose retention run
  deletes or anonymises rows past their period.

This module is the lowest layer: it imports only Django. It cannot see the catalogue
(``kliento.register.catalogue``), so catalogue keys are checked by the privacy app's
system check (``privacy/checks.py``) and a test, and a record kind whose period
is a catalogue item's names the item: the retention runner (:mod:`kliento.dsr.retention`)
resolves the period. How to declare a section::

    from kliento.common.personal_data import Section, register_section

    def _answers(subject: Subject) -> Iterator[dict[str, Any]]:
        rows = Answer.objects.filter(subject=subject).order_by("pk")
        for row in rows.values("public_id", "question", "answer", "at").iterator(chunk_size=2000):
            yield {"id": str(row["public_id"]), ..., "at": row["at"]}

    register_section(
        Section(
            name="survey_answers",               # stable key in the JSON; never rename
            title=_("Survey answers"),           # shown on /profile/export/
            models=("surveys.Answer",),          # every model the section covers
            items=("surveys",),                  # catalogue item keys (purpose, basis, ...)
            rows=_answers,
            order=130,                           # position in the export
            count=lambda subject: Answer.objects.filter(subject=subject).count(),  # optional
            erase=lambda subject: Answer.objects.filter(subject=subject).delete(),
            retention=("survey_responses",),     # record kinds that expire these rows
        )
    )

Rules for ``rows``:

* a generator over the subject's own rows only (never another person's), yielding
  dicts of JSON-able values (``datetime``/``date``/``UUID``/``Decimal`` are encoded for
  you);
* stream from the database (``.values(...).iterator(chunk_size=...)``,
  ``.iterator(chunk_size=...)`` or :func:`stream_rows`) so memory does not grow with the
  person's history; never ``list()`` an unbounded queryset;
* no audit writes: the export view records one entry when someone other than the
  person reads it.

``erase`` deletes or anonymises the section's rows of the subject, set-based (UPDATE/
DELETE ... WHERE subject=..., never a loop over rows) and idempotent (it runs again
after a backup is restored). ``account_cancel`` and ``replay-erasures`` call every
section's ``erase`` inside their transaction, in ``erase_order`` (then ``order``); the
data key is destroyed between :data:`ERASE_ROWS` and :data:`ERASE_KEY_DESTROYED`.

``models`` is what the completeness test checks (tests/privacy/test_personal_data_declarations.py):
every model with a key to ``register.Subject`` or ``accounts.User``, and every model with
a field the catalogue classifies as personal, must be named by a section that declares
its erasure and its retention (or be exempted there, with a reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection, models
from django.db.models import QuerySet
from django.utils.functional import Promise

# --- export position ---------------------------------------------------------------------
# The document's sections appear by ``order`` (docs/export-schema.md pins it): the
# account and profile first, then cards, visits, loyalty, consents, sharing, accesses by
# others, then the newer apps' sections.

# --- erasure order -----------------------------------------------------------------------
# Lower first. The runner (``account_cancel`` in privacy/services.py) destroys the data
# key just before the first section at ERASE_KEY_DESTROYED or later.
ERASE_ROWS = 100  # the default: rows of the person in other apps, while the key exists
ERASE_KEY_DESTROYED = 200  # the data key is gone: what was sealed under it
ERASE_LINKS = 300  # grants and relationships with merchants
ERASE_HISTORY = 350  # loyalty history of the cards (before the cards are released)
ERASE_CARDS = 400  # the cards are released
ERASE_LOGIN = 500  # the login and what goes with it; then the subject is marked erased


@dataclass(frozen=True)
class Retention:
    """How long an item is kept, and from what moment."""

    period: dt.timedelta | None  # None: as long as the account exists
    description: Promise | str

    @property
    def days(self) -> int | None:
        return None if self.period is None else self.period.days


# The subject (``register.Subject``) is above this layer: typed as Any here.
Rows = Callable[[Any], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    """One kind of record in the export, how it is erased and how long it is kept."""

    name: str
    title: Promise | str
    models: tuple[str, ...]  # "app_label.ModelName" of every model this section covers
    items: tuple[str, ...]  # catalogue item keys this section's records belong to
    rows: Rows
    description: Promise | str = ""
    # How many rows ``rows`` yields, cheaply (a COUNT); without it the page counts rows.
    count: Callable[[Any], int] | None = None
    # Set-based delete or anonymisation of this section's rows of the subject.
    erase: Callable[[Any], object] | None = None
    # Why the rows stay when ``erase`` is None (e.g. proof under a legal obligation).
    kept_because: Promise | str = ""
    # Record kinds (RecordKind.key) whose retention run expires these rows.
    retention: tuple[str, ...] = ()
    # The catalogue item whose period applies, for a section with no ``items``.
    retention_item: str = ""
    order: int = 1000  # position in the export
    erase_order: int = ERASE_ROWS


@dataclass(frozen=True)
class RecordKind:
    """One kind of record with its period and what happens when it expires."""

    key: str
    label: Promise | str
    item: str  # the catalogue item the records belong to (named in the audit entry)
    action: str  # "delete" or "anonymise"
    # Rows past the period at ``now``; the period is passed in (resolved by the runner).
    expired: Callable[[dt.datetime, dt.timedelta], QuerySet[models.Model]]
    apply: Callable[[list[Any]], int]  # delete or anonymise these pks; rows changed
    order: int  # the retention run walks the kinds in this order
    # The period: a Retention the declaring app owns, or the key of the catalogue item
    # whose retention applies ("" means ``item``'s); the runner resolves a key.
    retention: Retention | str = ""

    @property
    def period(self) -> dt.timedelta:
        if not isinstance(self.retention, Retention) or self.retention.period is None:
            raise ValueError(f"record kind {self.key!r}: period not resolved")
        return self.retention.period

    @property
    def period_item(self) -> str | None:
        """The catalogue item whose period applies, or None for an owned Retention."""
        if isinstance(self.retention, Retention):
            return None
        return self.retention or self.item


# --- registries ---------------------------------------------------------------------------

_SECTIONS: dict[str, Section] = {}
_KINDS: dict[str, RecordKind] = {}


def register_section(section: Section) -> Section:
    """Add ``section``; a name registered twice is a programming error."""
    existing = _SECTIONS.get(section.name)
    if existing is not None and existing.rows is not section.rows:
        raise ValueError(f"export section {section.name!r} is registered twice")
    if section.erase is None and not str(section.kept_because).strip():
        raise ValueError(f"section {section.name!r}: erase=None needs kept_because")
    _SECTIONS[section.name] = section
    return section


def sections() -> list[Section]:
    """Every registered section, in export order."""
    return sorted(_SECTIONS.values(), key=lambda section: section.order)


def erasure_sequence() -> list[Section]:
    """The sections with an ``erase``, in the order a cancellation runs them."""
    erasable = [section for section in sections() if section.erase is not None]
    return sorted(erasable, key=lambda section: (section.erase_order, section.order))


def covered_models() -> set[str]:
    """Labels ("app_label.ModelName") of every model some section covers."""
    return {label for section in _SECTIONS.values() for label in section.models}


def register_retention(kind: RecordKind) -> RecordKind:
    """Add a record kind to the retention run; a key registered twice is an error."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing.apply is not kind.apply:
        raise ValueError(f"record kind {kind.key!r} is registered twice")
    _KINDS[kind.key] = kind
    return kind


def retention_kinds() -> list[RecordKind]:
    """Every registered record kind, in the order the retention run walks them."""
    return sorted(_KINDS.values(), key=lambda kind: kind.order)


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
