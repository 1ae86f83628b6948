"""Every CSV the product writes is safe to open in a spreadsheet (CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from kliento.common.spreadsheet import csv_row, safe_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_starts_like_a_formula_is_neutralised(start: str) -> None:
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    [[cell]] = list(csv.reader(io.StringIO(csv_row([f"{start}1+1"]))))
    assert cell == f"'{start}1+1"


def test_ordinary_cells_and_numbers_pass_unchanged() -> None:
    assert safe_cell("Anneli") == "Anneli"
    assert safe_cell(-5) == -5
    assert safe_cell("") == ""
    assert csv_row(["a", 1, None]) == "a,1,\r\n"
