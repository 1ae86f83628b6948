"""Reads of the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kliento.audit.models import ActorKind, AuditEntry
from kliento.audit.services import GENESIS, entry_digest
from kliento.register.models import Subject


def accesses_by_others(*, subject: Subject) -> QuerySet[AuditEntry]:
    """Every entry about ``subject`` made by anyone but the person themselves, newest first."""
    own = Q(actor_kind=ActorKind.PERSON)
    if subject.user is not None:
        own &= Q(actor_id=str(subject.user.public_id))
    return AuditEntry.objects.filter(subject_id=subject.public_id).exclude(own).order_by("-seq")


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(*, batch_size: int = 5000) -> Iterator[tuple[int, ChainBreak | None]]:
    """Walk the whole chain in order. Yields (entries checked, first break or None)."""
    previous = GENESIS
    checked = 0
    last_seq = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            return
        for entry in batch:
            if bytes(entry.prev_hash) != previous:
                yield checked, ChainBreak(entry.seq, "previous hash does not match")
                return
            if entry_digest(entry) != bytes(entry.hash):
                yield checked, ChainBreak(entry.seq, "content does not match its hash")
                return
            previous = bytes(entry.hash)
            checked += 1
            last_seq = entry.seq
        yield checked, None
