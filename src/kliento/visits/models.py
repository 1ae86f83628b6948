"""Visits, loyalty programs, the append-only ledger and rewards.

Visits and ledger entries reference a card, never a person: the person's history is
"everything on the cards they hold", so registering a card hands its history over at
once, and erasing the person (cards released) leaves only anonymous rows behind.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.visits import rules


class Visit(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="+")
    premises = models.ForeignKey("merchants.Premises", on_delete=models.PROTECT, related_name="+")
    card = models.ForeignKey(
        "cards.Card", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    terminal = models.ForeignKey(
        "merchants.Terminal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    amount_cents = models.PositiveIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    idempotency_key = models.CharField(max_length=80, blank=True)
    request_hash = models.BinaryField(max_length=32, null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["merchant", "-at"]),
            models.Index(fields=["card", "-at"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["merchant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="visits_idempotency_key_once_per_merchant",
            )
        ]

    def __str__(self) -> str:
        return f"visit {self.public_id}"


class LoyaltyProgram(models.Model):
    class Kind(models.TextChoices):
        POINTS = "points", _("Points")
        STAMPS = "stamps", _("Stamp card")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reward_name = models.CharField(max_length=120)
    reward_valid_days = models.PositiveIntegerField(default=90)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Each loyalty rule adds the fields of its parameters (see the loop below the class).
    if TYPE_CHECKING:  # those read outside the rules, for the type checker
        stamps_required: int
        reward_points: int

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(kind="stamps") | models.Q(stamps_required__gt=0),
                name="visits_stamp_program_needs_stamps",
            )
        ]

    def __str__(self) -> str:
        return self.name


for _rule in rules.RULES:
    for _name, _field in _rule.model_fields().items():
        LoyaltyProgram.add_to_class(_name, _field)


class Reward(models.Model):
    """A reward earned on a card. Its single-use code is derived, never stored."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        REDEEMED = "redeemed", _("Redeemed")
        EXPIRED = "expired", _("Expired")
        VOID = "void", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(LoyaltyProgram, on_delete=models.CASCADE, related_name="rewards")
    card = models.ForeignKey("cards.Card", on_delete=models.CASCADE, related_name="rewards")
    code_lookup = models.BinaryField(max_length=32, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    earned_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes: ClassVar = [models.Index(fields=["card", "status"])]

    def __str__(self) -> str:
        return f"reward {self.public_id}"


class LedgerEntry(models.Model):
    """One movement of points or stamps. Never updated or deleted; a mistake is undone
    by a reversal entry that points at it."""

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        REDEEM = "redeem", _("Redeemed")
        EXPIRE = "expire", _("Expired")
        REVERSE = "reverse", _("Reversed")
        CORRECTION = "correction", _("Corrected by customer service")

    program = models.ForeignKey(LoyaltyProgram, on_delete=models.CASCADE, related_name="ledger")
    card = models.ForeignKey("cards.Card", on_delete=models.CASCADE, related_name="ledger")
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="ledger"
    )
    reward = models.ForeignKey(
        Reward, on_delete=models.SET_NULL, null=True, blank=True, related_name="ledger"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    points = models.IntegerField(default=0)
    stamps = models.IntegerField(default=0)
    reason = models.CharField(max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["program", "card"])]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.points}p {self.stamps}s"
