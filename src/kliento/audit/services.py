"""Appending to the audit log, in the caller's transaction."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.models import AuditEntry, AuditNetwork, ChainHead

GENESIS = b"\x00" * 32
SALT_BYTES = 16


def network_commitment(salt: bytes, ip_address: str) -> str:
    """``sha256(salt || ip)`` in hex: what the hashed content holds instead of the IP."""
    return hashlib.sha256(bytes(salt) + ip_address.encode()).hexdigest()


def entry_digest(entry: AuditEntry) -> bytes:
    """The hash of an entry: SHA-256 over the previous hash and its canonical content.

    Version 2 content holds the commitment to the IP address, version 1 (entries written
    before the IP moved to ``AuditNetwork``) the raw address."""
    at = entry.at.astimezone(UTC) if isinstance(entry.at, datetime) else entry.at
    content: dict[str, Any] = {
        "at": at.isoformat(timespec="microseconds"),
        "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "subject_id": str(entry.subject_id) if entry.subject_id else None,
        "items": list(entry.items),
        "purpose": entry.purpose,
        "ticket": entry.ticket,
        "via": entry.via,
        "context": entry.context,
    }
    if entry.content_version == 1:
        content["ip_address"] = entry.legacy_ip_address
    else:
        content["version"] = entry.content_version
        content["network_commitment"] = entry.network_commitment
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(bytes(entry.prev_hash) + canonical.encode()).digest()


def audit_record(
    *,
    actor: Actor,
    action: AuditAction,
    subject_id: UUID | None = None,
    items: Iterable[str] = (),
    purpose: str = "",
    ticket: str = "",
    context: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the transaction of the change or read it records,
    so the entry and the act commit or roll back together. The actor's IP address goes
    to an ``AuditNetwork`` row in the same transaction; the entry commits to it."""
    actor = require_actor(actor)
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction it records")
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
        now = timezone.now()
        salt = secrets.token_bytes(SALT_BYTES)
        # stored as the database stores it (IPv6 in its short form), so the commitment
        # recomputes from the row
        ip_address = (
            AuditNetwork._meta.get_field("ip_address").get_prep_value(actor.ip_address)
            if actor.ip_address
            else None
        )
        entry = AuditEntry(
            at=now,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_role=actor.role,
            action=action,
            subject_id=subject_id,
            items=sorted(set(items)),
            purpose=purpose[:200],
            ticket=ticket[:64],
            via=actor.via,
            network_commitment=network_commitment(salt, ip_address) if ip_address else "",
            context={**actor.context, **(context or {})},
            prev_hash=bytes(head.hash),
        )
        entry.hash = entry_digest(entry)
        entry.save(force_insert=True)
        if ip_address:
            AuditNetwork.objects.create(
                entry=entry, ip_address=ip_address, salt=salt, recorded_at=now
            )
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry
