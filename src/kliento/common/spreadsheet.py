"""CSV that is safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel, LibreOffice and Google Sheets (CSV injection): a member's name such as
``=HYPERLINK(...)`` would run in the merchant's spreadsheet. Every CSV the product writes
goes through :func:`csv_row`, which puts an apostrophe before such a cell (the OWASP
advice); numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will not run it: text that starts like a formula gets a
    leading apostrophe; numbers, dates and empty cells pass as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


_WRITER = csv.writer(_Echo())


def csv_row(cells: Iterable[Any]) -> str:
    """One CSV line (with its line ending) of neutralised cells, for streaming responses."""
    return str(_WRITER.writerow([safe_cell(cell) for cell in cells]))
