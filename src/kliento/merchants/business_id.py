"""The Finnish business ID (Y-tunnus): seven digits, a hyphen and a check digit."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from kliento.common.errors import DomainError, ErrorCode

_FORMAT = re.compile(r"^(\d{7})-(\d)$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(digits: str) -> int | None:
    """The check digit of seven digits, or None when no check digit fits (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def business_id_normalise(value: str) -> str:
    """``value`` as 1234567-8 with a valid check digit; DomainError otherwise. Old IDs of
    six digits are written with a leading zero, as the Finnish registry does."""
    text = value.strip().replace(" ", "")
    if re.fullmatch(r"\d{6}-\d", text):
        text = "0" + text
    match = _FORMAT.match(text)
    if match is None:
        raise DomainError(
            ErrorCode.BUSINESS_ID_INVALID,
            _("Enter the business ID as seven digits, a hyphen and a check digit: 1234567-8."),
            details={"field": "business_id"},
        )
    if business_id_check_digit(match[1]) != int(match[2]):
        raise DomainError(
            ErrorCode.BUSINESS_ID_INVALID,
            _("This business ID is not valid: its check digit does not match."),
            details={"field": "business_id"},
        )
    return text
