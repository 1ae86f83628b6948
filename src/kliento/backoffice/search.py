"""Staff look-ups of a person by one exact value, through the blind indexes.

The value is pasted as it is, without saying what it is: an e-mail address, a phone
number (Finnish formats, +358…, with spaces) or a card number (a Kliento number with or
without spaces and dashes, a contactless card's UID). Its kind is detected from its
shape; a value that could be two things (eight digits: a phone number or a UID) is
looked up as both. Nothing is searched by a part of a value: e-mail addresses and phone
numbers are normalised and matched through their keyed HMAC index, card numbers through
the card's own index. Each person found is recorded in the audit log, so they see the
look-up.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.cards import identifiers
from kliento.cards.models import Card
from kliento.cards.services import card_lookup
from kliento.common.errors import DomainError, ErrorCode
from kliento.register import services
from kliento.register.models import Subject

# The catalogue item each kind of search value is.
SEARCH_ITEMS = {"email": "email", "phone": "phone", "card": "card_identifiers"}
_CARD_KINDS = {"kliento": Card.Kind.KLIENTO, "contactless": Card.Kind.CONTACTLESS}
_SEPARATORS = re.compile(r"[\s\-().:/]")
_PHONE = re.compile(r"(\+|00)?\d{5,15}")


def _unrecognised() -> DomainError:
    return DomainError(
        ErrorCode.IDENTIFIER_UNRECOGNISED,
        _("This is not an e-mail address, a phone number or a card number. Paste the whole value."),
        details={"field": "value"},
    )


def identifier_kinds(value: str) -> list[str]:
    """The kinds ``value`` may be ("email", "phone", "card"), from its shape alone; a
    DomainError when it is none of them. A Kliento number with a wrong check digit is
    CARD_INVALID, so the form can say so."""
    text = value.strip()
    if not text:
        raise _unrecognised()
    if "@" in text:
        return ["email"]
    if text.upper().startswith(identifiers.QR_PREFIX):
        raise DomainError(
            ErrorCode.CARD_INVALID,
            _("A phone QR code names no one: type the card number printed on the card."),
            details={"field": "value"},
        )
    compact = _SEPARATORS.sub("", text)
    if (
        compact.isdigit()
        and compact.startswith(identifiers.KLIENTO_PREFIX)
        and (len(compact) == identifiers.KLIENTO_LENGTH)
    ):
        identifiers.parse(compact)  # the check digit
        return ["card"]
    kinds = []
    if _PHONE.fullmatch(compact) and (compact.startswith(("+", "0"))):
        kinds.append("phone")
    try:
        scanned = identifiers.parse(compact)
    except DomainError:
        scanned = None
    if scanned is not None and scanned.kind in _CARD_KINDS:
        kinds.append("card")
    if not kinds:
        raise _unrecognised()
    return kinds


def _by_card(value: str) -> list[Subject]:
    scanned = identifiers.parse(value)
    if scanned.kind not in _CARD_KINDS:
        raise DomainError(ErrorCode.CARD_INVALID, _("Type the card number printed on the card."))
    card = (
        Card.objects.filter(lookup=card_lookup(_CARD_KINDS[scanned.kind], scanned.value))
        .select_related("holder__user")
        .first()
    )
    return [] if card is None or card.holder is None else [card.holder]


def _by_kind(kind: str, value: str, *, only: bool) -> list[Subject]:
    """Subjects holding ``value`` as ``kind``; when the value may be something else too
    (``only`` False), a value that does not parse as this kind finds no one."""
    try:
        if kind == "card":
            return _by_card(_SEPARATORS.sub("", value))
        return services.subjects_by_lookup(item_key=kind, value=value)
    except DomainError:
        if only:
            raise
        return []


@transaction.atomic
def people_search(*, value: str, actor: Actor, kind: str | None = None) -> list[Subject]:
    """Subjects holding exactly ``value`` as an e-mail address, phone number or card
    number; its kind is detected unless ``kind`` names it. Erased subjects are never
    found. Bad input is a DomainError and records nothing."""
    require_actor(actor)
    if kind is not None and kind not in SEARCH_ITEMS:
        raise DomainError(ErrorCode.ITEM_NOT_SUPPORTED, _("This item cannot be searched."))
    kinds = [kind] if kind is not None else identifier_kinds(value)
    found: dict[int, tuple[Subject, list[str]]] = {}
    for each in kinds:
        for subject in _by_kind(each, value, only=len(kinds) == 1):
            if subject.erased_at is None:
                found.setdefault(subject.pk, (subject, []))[1].append(SEARCH_ITEMS[each])
    for subject, items in found.values():
        audit_record(
            actor=actor,
            action=AuditAction.PROFILE_SEARCH,
            subject_id=subject.public_id,
            items=items,
        )
    return [subject for subject, _items in found.values()]
