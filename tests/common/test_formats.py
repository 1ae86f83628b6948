"""Each language's own date and number formats; English is day-first, not American."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import formats, translation


@pytest.mark.parametrize(
    ("language", "date", "number"),
    [
        ("en", "04/01/2027", "1,234.50"),
        ("fi", "4.1.2027", "1\xa0234,50"),
        ("sv", "2027-01-04", "1\xa0234,50"),
    ],
)
def test_dates_and_numbers_follow_the_language(language: str, date: str, number: str) -> None:
    with translation.override(language):
        assert formats.date_format(dt.date(2027, 1, 4), "SHORT_DATE_FORMAT") == date
        assert formats.number_format(Decimal("1234.50"), 2, force_grouping=True) == number


def test_english_reads_day_first_dates_and_iso_dates() -> None:
    with translation.override("en"):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
        assert formats.date_format(
            dt.datetime(2027, 1, 4, 17, 5, tzinfo=dt.UTC), "SHORT_DATETIME_FORMAT"
        ) == ("04/01/2027 17:05")
