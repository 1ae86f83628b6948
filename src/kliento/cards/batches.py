"""Card stock: batches of Kliento card numbers issued for printing (decision 0018).

A batch is issued (its cards exist, unusable), printed (the CSV for the card printer and
the leaflet sheets carry the plaintext registration codes), activated (its cards work) or
voided (its cards nobody registered stop working). The codes are derived from a per-batch
secret sealed under a KEK; the secret is destroyed on activation or voiding, so the codes
can be produced only while the batch is being printed, and are stored only as hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.cards import identifiers
from kliento.cards.models import Card, CardBatch
from kliento.cards.services import _code_hash, _issuer, card_identifier, card_lookup
from kliento.common import crypto
from kliento.common.errors import DomainError, ErrorCode

BATCH_MIN_SIZE = 1
BATCH_MAX_SIZE = 10_000
_CHUNK = 500
_CODE_LENGTH = 8


@dataclass(frozen=True)
class PrintedCard:
    """One card as the printer gets it: its number and its leaflet's registration code."""

    position: int
    number: str
    code: str

    @property
    def formatted_number(self) -> str:
        return identifiers.format_kliento_number(self.number)

    @property
    def formatted_code(self) -> str:
        return f"{self.code[:4]} {self.code[4:]}"


def _owner(batch: CardBatch) -> str:
    return f"card-batch:{batch.public_id}"


def _derive_code(secret: bytes, position: int) -> str:
    """The registration code of the card at ``position``: 40 bits of an HMAC of the
    position under the batch secret, five bits per character of the 32-letter alphabet."""
    digest = hmac.new(secret, f"code:{position}".encode(), hashlib.sha256).digest()
    bits = int.from_bytes(digest[:5], "big")
    alphabet = identifiers.CODE_ALPHABET
    return "".join(alphabet[(bits >> (5 * (7 - i))) & 31] for i in range(_CODE_LENGTH))


def _new_numbers(count: int) -> list[str]:
    """``count`` distinct, valid Kliento numbers that no existing card has."""
    numbers: list[str] = []
    seen: set[str] = set()
    while len(numbers) < count:
        wanted = min(_CHUNK, count - len(numbers))
        fresh = {identifiers.new_kliento_number() for _ in range(wanted)} - seen
        lookups = {card_lookup(Card.Kind.KLIENTO, number): number for number in fresh}
        taken = {
            bytes(lookup)
            for lookup in Card.objects.filter(lookup__in=list(lookups)).values_list(
                "lookup", flat=True
            )
        }
        for lookup, number in lookups.items():
            if lookup not in taken:
                numbers.append(number)
                seen.add(number)
    return numbers[:count]


def _batch_card(*, batch: CardBatch, position: int, number: str, code: str, issuer_id: int) -> Card:
    card = Card(
        kind=Card.Kind.KLIENTO,
        issuer_id=issuer_id,
        lookup=card_lookup(Card.Kind.KLIENTO, number),
        batch=batch,
        batch_position=position,
        created_at=batch.created_at,
    )
    owner = f"card:{card.public_id}"
    data_key = crypto.new_data_key()
    card.kek_id, card.wrapped_key = crypto.wrap_data_key(data_key, owner=owner)
    card.identifier_ct = crypto.seal(data_key, number.encode(), owner.encode())
    card.registration_code_hash = _code_hash(f"card-registration:{card.public_id}", code)
    return card


def _check_size(size: object) -> int:
    if (
        not isinstance(size, int)
        or isinstance(size, bool)
        or not BATCH_MIN_SIZE <= size <= BATCH_MAX_SIZE
    ):
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("A batch has from %(min)s to %(max)s cards.")
            % {
                "min": formats.number_format(BATCH_MIN_SIZE, force_grouping=True),
                "max": formats.number_format(BATCH_MAX_SIZE, force_grouping=True),
            },
            details={"field": "size"},
        )
    return size


@transaction.atomic
def batch_issue(*, size: int, actor: Actor, note: str = "") -> CardBatch:
    """Issue a batch of ``size`` new Kliento card numbers, each an unregistered card with
    its own registration code (stored only as a hash). The cards work nowhere until the
    batch is activated."""
    require_actor(actor)
    size = _check_size(size)
    note = note.strip()
    if len(note) > CardBatch._meta.get_field("note").max_length:  # type: ignore[operator]
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("The note is too long."), details={"field": "note"}
        )
    secret = os.urandom(32)
    batch = CardBatch(size=size, note=note, created_by=actor.id, created_by_role=actor.role or "")
    batch.kek_id, wrapped = crypto.wrap_data_key(secret, owner=_owner(batch))
    batch.wrapped_secret = wrapped
    batch.save(force_insert=True)
    issuer_id = _issuer(Card.Kind.KLIENTO).pk
    numbers = _new_numbers(size)
    for start in range(0, size, _CHUNK):
        Card.objects.bulk_create(
            [
                _batch_card(
                    batch=batch,
                    position=position,
                    number=numbers[position - 1],
                    code=_derive_code(secret, position),
                    issuer_id=issuer_id,
                )
                for position in range(start + 1, min(start + _CHUNK, size) + 1)
            ]
        )
    audit_record(
        actor=actor, action=AuditAction.CARD_BATCH_ISSUE,
        context={"batch": str(batch.public_id), "size": size},
    )  # fmt: skip
    return batch


def _locked(batch: CardBatch) -> CardBatch:
    return CardBatch.objects.select_for_update().get(pk=batch.pk)


def _refuse_voided(batch: CardBatch) -> None:
    if batch.state == CardBatch.State.VOIDED:
        raise DomainError(
            ErrorCode.BATCH_VOIDED, _("This batch is voided: nothing more can be done with it.")
        )


@transaction.atomic
def batch_activate(*, batch: CardBatch, actor: Actor) -> CardBatch:
    """Take the batch's cards into use. Its registration codes can never be printed again:
    the secret they derive from is destroyed."""
    require_actor(actor)
    locked = _locked(batch)
    _refuse_voided(locked)
    if locked.state == CardBatch.State.ACTIVE:
        raise DomainError(ErrorCode.BATCH_ALREADY_ACTIVE, _("This batch is already active."))
    locked.state = CardBatch.State.ACTIVE
    locked.activated_at = timezone.now()
    locked.kek_id, locked.wrapped_secret = "", b""
    locked.save(update_fields=["state", "activated_at", "kek_id", "wrapped_secret"])
    audit_record(
        actor=actor,
        action=AuditAction.CARD_BATCH_ACTIVATE,
        context={"batch": str(locked.public_id)},
    )
    return locked


@transaction.atomic
def batch_void(*, batch: CardBatch, reason: str, actor: Actor) -> CardBatch:
    """Withdraw a batch (lost or spoilt print run): its cards nobody registered are refused
    from now on; cards already registered keep working for their holders."""
    require_actor(actor)
    reason = reason.strip()
    if not reason:
        raise DomainError(
            ErrorCode.REASON_REQUIRED,
            _("State why the batch is voided."),
            details={"field": "reason"},
        )
    if len(reason) > CardBatch._meta.get_field("void_reason").max_length:  # type: ignore[operator]
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("The reason is too long."), details={"field": "reason"}
        )
    locked = _locked(batch)
    _refuse_voided(locked)
    locked.state = CardBatch.State.VOIDED
    locked.voided_at = timezone.now()
    locked.void_reason = reason
    locked.kek_id, locked.wrapped_secret = "", b""
    locked.save(update_fields=["state", "voided_at", "void_reason", "kek_id", "wrapped_secret"])
    audit_record(
        actor=actor, action=AuditAction.CARD_BATCH_VOID, purpose=reason,
        context={"batch": str(locked.public_id)},
    )  # fmt: skip
    return locked


def _printable(batch: CardBatch) -> bytes:
    """The batch's secret, while the batch is being printed; refused afterwards."""
    current = CardBatch.objects.get(pk=batch.pk)
    _refuse_voided(current)
    if current.state != CardBatch.State.CREATED or not current.wrapped_secret:
        raise DomainError(
            ErrorCode.BATCH_CODES_GONE,
            _("The registration codes of an activated batch can no longer be printed."),
        )
    return crypto.unwrap_data_key(
        bytes(current.wrapped_secret), owner=_owner(current), kek_id=current.kek_id
    )


def _cards(batch: CardBatch, secret: bytes, start: int, stop: int) -> Iterator[PrintedCard]:
    cards = Card.objects.filter(
        batch=batch, batch_position__gte=start, batch_position__lt=stop
    ).order_by("batch_position")
    for card in cards.iterator(chunk_size=_CHUNK):
        position = int(card.batch_position or 0)
        yield PrintedCard(position, card_identifier(card), _derive_code(secret, position))


@transaction.atomic
def batch_print(
    *, batch: CardBatch, actor: Actor, kind: str, first: int = 1, count: int | None = None
) -> list[PrintedCard]:
    """The batch's cards with their plaintext registration codes, for the card printer
    (``kind`` "csv") or a leaflet sheet ("sheet"), from position ``first`` on. Only while
    the batch is being printed; every download is recorded in the audit log."""
    require_actor(actor)
    secret = _printable(batch)
    stop = batch.size + 1 if count is None else min(first + count, batch.size + 1)
    printed = list(_cards(batch, secret, first, stop))
    audit_record(
        actor=actor, action=AuditAction.CARD_BATCH_PRINT,
        context={"batch": str(batch.public_id), "format": kind, "first": first,
                 "count": len(printed)},
    )  # fmt: skip
    return printed
