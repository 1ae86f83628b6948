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


class MerchantCustomer(models.Model):
    """A person's pseudonymous id at one merchant (docs/decisions/0015).

    The id is derived (HMAC of the merchant's and the person's ids under a key of its
    own), so it is the same every time it is shown and says nothing across merchants.
    The row exists only to resolve an id back to the person; it is written the first
    time the merchant is shown that customer, and deleted when the person cancels.
    """

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="merchant_pseudonyms"
    )
    pseudonym = models.UUIDField(unique=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["merchant", "subject"], name="sharing_one_pseudonym")
        ]

    def __str__(self) -> str:
        return str(self.pseudonym)
