"""Validation and normalisation of profile values, by the catalogue item's kind."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.common.errors import DomainError, ErrorCode
from kliento.register.catalogue import Item, ValueKind

ADDRESS_FIELDS = ("street", "postal_code", "city", "country")
DEFAULT_PHONE_REGION = "FI"


def _invalid(item: Item, message: str) -> DomainError:
    return DomainError(
        ErrorCode.VALUE_INVALID, message, details={"item": item.key, "message": message}
    )


def _text(item: Item, raw: Any, *, multiline: bool = False) -> str:
    if not isinstance(raw, str):
        raise _invalid(item, _("Enter text."))
    value = unicodedata.normalize("NFC", raw).strip()
    allowed = {"\n", "\t"} if multiline else set()
    # Control characters, and the invisible format characters that can disguise a value:
    # right-to-left overrides, zero-width spaces and joiners, a byte-order mark (Cf);
    # unpaired surrogates (Cs) cannot be stored at all.
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs"} and ch not in allowed for ch in value):
        raise _invalid(item, _("The text contains characters that are not allowed."))
    if not value:
        raise _invalid(item, _("This field cannot be empty."))
    if len(value) > item.max_length:
        raise _invalid(item, _("Use at most %(max)d characters.") % {"max": item.max_length})
    return value


def _long_text(item: Item, raw: Any) -> str:
    return _text(item, raw, multiline=True)


def _email(item: Item, raw: Any) -> str:
    value = _text(item, raw).lower()
    try:
        validate_email(value)
    except ValidationError:
        raise _invalid(item, _("Enter a valid e-mail address.")) from None
    return value


def _phone(item: Item, raw: Any) -> str:
    """Parse with libphonenumber (Finnish numbers without a country code) into E.164."""
    try:
        number = phonenumbers.parse(_text(item, raw), DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise _invalid(item, _("Enter a valid phone number.")) from None
    if not phonenumbers.is_valid_number(number):
        raise _invalid(item, _("Enter a valid phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _date(item: Item, raw: Any) -> str:
    if isinstance(raw, dt.date):
        value = raw
    else:
        try:
            value = dt.date.fromisoformat(_text(item, raw))
        except ValueError:
            raise _invalid(item, _("Enter a valid date (YYYY-MM-DD).")) from None
    if value > timezone.localdate() or value.year < 1900:
        raise _invalid(item, _("Enter a date between 1900 and today."))
    return value.isoformat()


def _choice(item: Item, raw: Any) -> str:
    if raw not in {key for key, _label in item.choices}:
        raise _invalid(item, _("Choose one of the options."))
    return str(raw)


def _address(item: Item, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or set(raw) - set(ADDRESS_FIELDS):
        raise _invalid(item, _("An address has a street, postal code, city and country."))
    address = {key: _text(item, raw[key]) if raw.get(key) else "" for key in ADDRESS_FIELDS}
    if not address["street"] or not address["city"]:
        raise _invalid(item, _("An address needs at least a street and a city."))
    if sum(len(v) for v in address.values()) > item.max_length:
        raise _invalid(item, _("The address is too long."))
    address["country"] = (address["country"] or "FI").upper()
    if address["country"] not in phonenumbers.SUPPORTED_REGIONS:  # ISO 3166-1 alpha-2
        raise _invalid(item, _("Unknown country code. Use two letters, such as FI, SE or EE."))
    return address


def _tags(item: Item, raw: Any) -> list[str]:
    parts = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        raise _invalid(item, _("Enter a list of words separated by commas."))
    tags = [unicodedata.normalize("NFC", p).strip() for p in parts if p.strip()]
    if not tags:
        raise _invalid(item, _("This field cannot be empty."))
    if sum(len(t) for t in tags) > item.max_length:
        raise _invalid(item, _("Use at most %(max)d characters.") % {"max": item.max_length})
    return list(dict.fromkeys(tags))


_NORMALISERS: dict[ValueKind, Callable[[Item, Any], Any]] = {
    ValueKind.TEXT: _text,
    ValueKind.LONG_TEXT: _long_text,
    ValueKind.EMAIL: _email,
    ValueKind.PHONE: _phone,
    ValueKind.DATE: _date,
    ValueKind.CHOICE: _choice,
    ValueKind.ADDRESS: _address,
    ValueKind.TAGS: _tags,
}


def normalise(item: Item, raw: Any) -> Any:
    """The stored form of ``raw`` for ``item``, or a validation DomainError."""
    return _NORMALISERS[item.kind](item, raw)


def lookup_form(item: Item, value: Any) -> str | None:
    """The normalised string a blind index is taken of, for lookup items."""
    if not item.lookup:
        return None
    return str(value)


def display(item: Item, value: Any) -> str:
    """A one-line human form of a stored value (for lists and exports)."""
    if item.kind == ValueKind.ADDRESS and isinstance(value, dict):
        return ", ".join(v for v in (value.get(k, "") for k in ADDRESS_FIELDS) if v)
    if item.kind == ValueKind.TAGS and isinstance(value, list):
        return ", ".join(value)
    if item.kind == ValueKind.CHOICE:
        return str(dict(item.choices).get(value, value))
    if item.kind == ValueKind.PHONE:
        number = phonenumbers.parse(value, None)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return str(value)
