"""The erasure journal: which subjects were erased, so a restored backup is erased again."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ErasureJournal(models.Model):
    """One erased subject: a keyed hash of its public id (never the id itself, so the
    journal names nobody) and when. ``kliento privacy replay-erasures`` erases again every
    subject of a restored database whose hash is here."""

    subject_hash = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=32, default="account_cancel")

    class Meta:
        verbose_name_plural = "erasure journal entries"

    def __str__(self) -> str:
        return f"erasure {self.subject_hash[:12]} at {self.erased_at:%Y-%m-%d}"
