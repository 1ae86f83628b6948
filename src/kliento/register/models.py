"""People in the register: a pseudonymous subject, their data key, their profile values.

No personal value is stored in plaintext here: ``ProfileValue.ciphertext`` is sealed
under the subject's data key, and ``lookup`` is a keyed blind index.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class Subject(models.Model):
    """A person the register holds data about; its public id is the pseudonym that
    high-volume rows (audit, visits, ledger) carry instead of the person."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subject",
    )
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.public_id)


class DataKey(models.Model):
    """The subject's data key, wrapped by the key-encryption key ``kek_id``.

    Deleting this row is crypto-shredding: every value of the subject becomes unreadable.
    """

    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="data_key")
    kek_id = models.CharField(max_length=32, db_index=True)
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data key of {self.subject_id} under {self.kek_id}"


class ProfileValue(models.Model):
    """One value of one catalogue item of one person, encrypted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="values")
    item = models.CharField(max_length=40)
    ciphertext = models.BinaryField()
    lookup = models.BinaryField(max_length=32, null=True, blank=True)
    is_primary = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["subject", "item"]),
            models.Index(fields=["item", "lookup"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["subject", "item"],
                condition=models.Q(is_primary=True),
                name="register_one_primary_value_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} of {self.subject_id}"


class ProcessingRestriction(models.Model):
    """A restriction of processing (GDPR art. 18): while ``lifted_at`` is empty, nothing but
    storage may happen to the subject's data. Check-in, sharing and marketing read it
    through :func:`kliento.register.selectors.is_restricted`."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="restrictions")
    reason = models.CharField(max_length=500)
    started_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Created by the dsr app before the restriction became a fact of the register
        # (register 0002); the request that put it in place records it in its own events.
        db_table = "dsr_processingrestriction"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=models.Q(lifted_at__isnull=True),
                name="dsr_one_active_restriction",
            )
        ]

    def __str__(self) -> str:
        return f"restriction of {self.subject_id}"
