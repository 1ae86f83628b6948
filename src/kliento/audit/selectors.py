"""Reads of the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Q, QuerySet

from kliento.audit.models import ActorKind, AuditEntry, AuditNetwork
from kliento.audit.services import GENESIS, entry_digest, network_commitment

if TYPE_CHECKING:  # the register sits above the audit log; only the type is named
    from kliento.register.models import Subject


def accesses_by_others(*, subject: Subject) -> QuerySet[AuditEntry]:
    """Every entry about ``subject`` made by anyone but the person themselves, newest first."""
    own = Q(actor_kind=ActorKind.PERSON)
    if subject.user is not None:
        own &= Q(actor_id=str(subject.user.public_id))
    return (
        AuditEntry.objects.filter(subject_id=subject.public_id)
        .exclude(own)
        .select_related("network")
        .order_by("-seq")
    )


def audit_log() -> QuerySet[AuditEntry]:
    """The whole log, newest first (for the auditor's and the privacy officer's pages)."""
    return AuditEntry.objects.select_related("network").order_by("-seq")


def entries_filtered(
    entries: QuerySet[AuditEntry],
    *,
    subject_id: UUID | None = None,
    actor_kinds: Iterable[str] = (),
    actor_id: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Narrow ``entries``: by subject, actor kind(s), actor id and dates (both inclusive,
    in the active time zone)."""
    if subject_id is not None:
        entries = entries.filter(subject_id=subject_id)
    kinds = list(actor_kinds)
    if kinds:
        entries = entries.filter(actor_kind__in=kinds)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if since is not None:
        entries = entries.filter(at__date__gte=since)
    if until is not None:
        entries = entries.filter(at__date__lte=until)
    return entries


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


NETWORK_MISMATCH = "the IP address kept for it does not match its commitment"


def network_matches(entry: AuditEntry) -> bool:
    """An entry's ``AuditNetwork`` row, if still kept, is the one its hash committed to
    (a row deleted by retention leaves nothing to check)."""
    try:
        network = entry.network
    except AuditNetwork.DoesNotExist:
        return True
    if entry.content_version == 1 or not entry.network_commitment:
        return False
    return network_commitment(bytes(network.salt), network.ip_address) == (entry.network_commitment)


def verify_chain(*, batch_size: int = 5000) -> Iterator[tuple[int, ChainBreak | None]]:
    """Walk the whole chain in order. Yields (entries checked, first break or None).
    Also checks each kept IP address against the commitment in its entry."""
    previous = GENESIS
    checked = 0
    last_seq = 0
    while True:
        batch = list(
            AuditEntry.objects.filter(seq__gt=last_seq)
            .select_related("network")
            .order_by("seq")[:batch_size]
        )
        if not batch:
            return
        for entry in batch:
            if bytes(entry.prev_hash) != previous:
                yield checked, ChainBreak(entry.seq, "previous hash does not match")
                return
            if entry_digest(entry) != bytes(entry.hash):
                yield checked, ChainBreak(entry.seq, "content does not match its hash")
                return
            if not network_matches(entry):
                yield checked, ChainBreak(entry.seq, NETWORK_MISMATCH)
                return
            previous = bytes(entry.hash)
            checked += 1
            last_seq = entry.seq
        yield checked, None
