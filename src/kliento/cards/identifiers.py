"""What a reader or a cashier types: Kliento card numbers, contactless UIDs, phone QR codes."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from uuid import UUID

from django.core import signing
from django.utils.translation import gettext as _

from kliento.common.errors import DomainError, ErrorCode

KLIENTO_PREFIX = "9246"
KLIENTO_LENGTH = 16
QR_PREFIX = "KLQR1:"
QR_SALT = "kliento.cards.qr"
QR_MAX_AGE_SECONDS = 60
UID_HEX_LENGTHS = (8, 14, 20)  # 4-, 7- and 10-byte ISO 14443 UIDs
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass(frozen=True)
class Scanned:
    """A parsed card input: a Kliento number or a UID (``value``), or a QR card id."""

    kind: str  # "kliento", "contactless" or "phone"
    value: str = ""
    card_id: UUID | None = None


def luhn_digit(digits: str) -> str:
    """The Luhn check digit for ``digits``."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def new_kliento_number() -> str:
    body = KLIENTO_PREFIX + "".join(secrets.choice("0123456789") for _ in range(11))
    return body + luhn_digit(body)


def format_kliento_number(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw).upper()


def _invalid(reason: str) -> DomainError:
    return DomainError(
        ErrorCode.CARD_INVALID,
        _("This is not a card Kliento can read."),
        details={"reason": reason},
    )


def qr_token(card_id: UUID) -> str:
    """A short-lived signed token for the phone QR code (a screenshot expires in a minute)."""
    return QR_PREFIX + signing.TimestampSigner(salt=QR_SALT).sign(card_id.hex)


def parse(raw: str) -> Scanned:
    """Parse what was scanned or typed; raise CARD_INVALID or QR_EXPIRED."""
    text = raw.strip()
    if len(text) > 200:
        raise _invalid("too_long")
    if text.upper().startswith(QR_PREFIX):
        signer = signing.TimestampSigner(salt=QR_SALT)
        try:
            card_hex = signer.unsign(text[len(QR_PREFIX) :], max_age=QR_MAX_AGE_SECONDS)
        except signing.SignatureExpired:
            raise DomainError(
                ErrorCode.QR_EXPIRED, _("This QR code has expired. Show a fresh one.")
            ) from None
        except signing.BadSignature:
            raise _invalid("bad_signature") from None
        return Scanned(kind="phone", card_id=UUID(hex=card_hex))
    compact = re.sub(r"[\s:-]", "", text)
    if compact.isdigit():
        if len(compact) != KLIENTO_LENGTH or not compact.startswith(KLIENTO_PREFIX):
            raise _invalid("unknown_number_format")
        if luhn_digit(compact[:-1]) != compact[-1]:
            raise _invalid("check_digit")
        return Scanned(kind="kliento", value=compact)
    if re.fullmatch(r"[0-9A-Fa-f]+", compact) and len(compact) in UID_HEX_LENGTHS:
        return Scanned(kind="contactless", value=compact.upper())
    raise _invalid("unknown_format")
