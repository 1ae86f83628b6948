"""What each person shares with each merchant.

A row exists while a grant is in force; granting and withdrawing are recorded in the
audit log (the history), so the check-in reads one small indexed set and nothing is
ever served from a cache.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from kliento.register.models import Subject


class Relationship(models.Model):
    """A person is a customer of a merchant: they joined, or visited with a registered card."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="relationships")
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, related_name="relationships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["subject", "merchant"], name="sharing_one_relationship")
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} at {self.merchant_id}"


class Grant(models.Model):
    """One catalogue item shared with one merchant."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="grants")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=40)
    granted_at = models.DateTimeField(default=timezone.now)
    # Special-category items need an explicit confirmation naming the merchant.
    confirmed_special_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["subject", "merchant", "item"], name="sharing_one_grant"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["merchant", "subject"])]

    def __str__(self) -> str:
        return f"{self.item} to {self.merchant_id}"
