"""Checking the whole audit chain, for ``kliento audit verify``.

Builds on :func:`kliento.audit.selectors.verify_chain` (which walks the entries in order
and stops at the first one whose links or content do not verify) and adds:

* what differs at the broken entry: the stored against the recomputed hash, or the
  stored previous hash against the hash of the entry before it;
* the IP addresses still kept (``AuditNetwork``): each must hash, with its salt, to the
  commitment in its entry's hashed content, so a changed address is caught;
* the tail: the chain head (the newest entry's seq and hash, updated with every append)
  must name an entry that exists and has that hash, so deleting the newest entries is
  caught too, not only changes in the middle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kliento.audit.models import AuditEntry, ChainHead
from kliento.audit.selectors import NETWORK_MISMATCH, ChainBreak, verify_chain
from kliento.audit.services import GENESIS, entry_digest


@dataclass(frozen=True)
class ChainReport:
    """The outcome: entries checked, and the first break with what differs (or None)."""

    checked: int
    head_seq: int
    broken: ChainBreak | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None


def _short(digest: bytes) -> str:
    return digest.hex()[:16]


def _describe(broken: ChainBreak) -> str:
    entry = AuditEntry.objects.get(seq=broken.seq)
    if broken.reason == NETWORK_MISMATCH:
        return (
            f"sha256(salt || ip) of its audit_auditnetwork row is not the commitment "
            f"{entry.network_commitment[:16] or '(none)'}… in entry #{entry.seq} "
            f"(action {entry.action!r}): the IP address or its salt was changed or added "
            "after the entry was written"
        )
    before = AuditEntry.objects.filter(seq__lt=broken.seq).order_by("-seq").first()
    expected_prev = GENESIS if before is None else bytes(before.hash)
    if bytes(entry.prev_hash) != expected_prev:
        where = "the start of the chain" if before is None else f"entry #{before.seq}"
        return (
            f"its previous hash {_short(bytes(entry.prev_hash))}… is not the hash of {where} "
            f"({_short(expected_prev)}…): an entry before it was removed, inserted or "
            "rewritten with a new hash"
        )
    return (
        f"its stored hash {_short(bytes(entry.hash))}… is not the hash of its content "
        f"({_short(entry_digest(entry))}…): a column of entry #{entry.seq} "
        f"(action {entry.action!r}, at {entry.at.isoformat()}) was changed after it was written"
    )


def chain_verify(
    *, batch_size: int = 5000, on_progress: Callable[[int], None] | None = None
) -> ChainReport:
    """Verify every link of the audit chain and its head. ``on_progress`` gets the number
    of entries checked after each batch."""
    head = ChainHead.objects.filter(id=1).first()
    checked = 0
    for checked, broken in verify_chain(batch_size=batch_size):
        if broken is not None:
            return ChainReport(checked, head.seq if head else 0, broken, _describe(broken))
        if on_progress is not None:
            on_progress(checked)
    if head is None:
        first = AuditEntry.objects.order_by("seq").first()
        if first is None:
            return ChainReport(0, 0)
        return ChainReport(
            checked,
            0,
            ChainBreak(first.seq, "entries exist but the chain head is missing"),
            "the chain head row (audit_chainhead) was deleted",
        )
    newest = AuditEntry.objects.filter(seq=head.seq).first()
    if newest is None or bytes(newest.hash) != bytes(head.hash):
        last = AuditEntry.objects.order_by("-seq").first()
        last_seq = last.seq if last else 0
        return ChainReport(
            checked,
            head.seq,
            ChainBreak(head.seq, "the chain head names an entry that is missing or differs"),
            f"the head names entry #{head.seq} with hash {_short(bytes(head.hash))}…, but "
            + (
                f"the newest entry is #{last_seq}: entries at the end were removed"
                if newest is None
                else f"that entry hashes to {_short(bytes(newest.hash))}…"
            ),
        )
    return ChainReport(checked, head.seq)
