"""The audit log: append-only, hash-chained, no plaintext personal values."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class ActorKind(models.TextChoices):
    PERSON = "person", "person"
    STAFF = "staff", "staff"
    MERCHANT_STAFF = "merchant_staff", "merchant staff"
    TERMINAL = "terminal", "terminal"
    SYSTEM = "system", "system"


class AuditEntry(models.Model):
    """Who did what to which items of whose data, why, when and from where.

    ``subject_id`` is the subject's pseudonymous public id (no foreign key, so the entry
    outlives an erasure without naming anyone). ``hash`` covers every other column and
    the previous entry's hash; ``kliento audit verify`` recomputes the chain.

    "From where" is not in the entry itself: the IP address lives in
    :class:`AuditNetwork`, which the retention run deletes after its period; the entry
    holds only ``network_commitment``, ``sha256(salt || ip)`` in hex, which names nobody
    once the salt and the address are gone (docs/decisions/0016-audit-ip-retention.md).
    Entries of ``content_version`` 1, written before that change, hashed the raw address
    kept in ``legacy_ip_address``.
    """

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=40)
    subject_id = models.UUIDField(null=True, blank=True)
    items = models.JSONField(default=list)
    purpose = models.CharField(max_length=200, blank=True)
    ticket = models.CharField(max_length=64, blank=True)
    via = models.CharField(max_length=16, blank=True)
    legacy_ip_address = models.GenericIPAddressField(null=True, blank=True)
    network_commitment = models.CharField(max_length=64, blank=True)
    content_version = models.PositiveSmallIntegerField(default=2)
    context = models.JSONField(default=dict)
    prev_hash = models.BinaryField(max_length=32)
    hash = models.BinaryField(max_length=32)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["subject_id", "seq"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_kind}:{self.action}"

    @property
    def client_ip(self) -> str | None:
        """The IP address the act came from, while it is kept (read it on a queryset with
        ``select_related("network")`` to avoid a query per entry)."""
        try:
            network = self.network
        except AuditNetwork.DoesNotExist:
            return self.legacy_ip_address
        return network.ip_address


class AuditNetwork(models.Model):
    """The IP address of one audit entry, outside the hashed content so it can be deleted
    after its period (``kliento retention run``, kind ``audit_ip_addresses``). The entry's
    ``network_commitment`` is ``sha256(salt || ip)``; ``kliento audit verify`` checks it
    for every row still here."""

    entry = models.OneToOneField(
        AuditEntry, on_delete=models.PROTECT, primary_key=True, related_name="network"
    )
    ip_address = models.GenericIPAddressField()
    salt = models.BinaryField(max_length=16)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["recorded_at"])]

    def __str__(self) -> str:
        return f"network of #{self.entry_id}"


class ChainHead(models.Model):
    """The newest entry's sequence number and hash: one row, locked by each append so
    entries chain in commit order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"chain head at #{self.seq}"
