"""Cards: how a person identifies at premises. Identifiers are never stored in plaintext."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.register.models import Subject


class CardIssuer(models.Model):
    """Who issued a kind of card: Kliento itself, a travel card issuer, a merchant."""

    class Kind(models.TextChoices):
        KLIENTO = "kliento", _("Kliento")
        TRAVEL = "travel", _("Travel card issuer")
        MERCHANT = "merchant", _("Merchant's own card")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, null=True, blank=True
    )

    def __str__(self) -> str:
        return self.name


class CardBatch(models.Model):
    """A batch of Kliento card numbers issued for printing (decision 0018).

    Its cards work nowhere until the batch is activated; voiding it refuses its cards that
    nobody has registered. The registration codes printed on the leaflets are derived from
    ``wrapped_secret`` (sealed under a KEK), which is destroyed on activation or voiding,
    so the plaintext codes can be produced only while the batch is being printed.
    """

    class State(models.TextChoices):
        CREATED = "created", _("Created, being printed")
        ACTIVE = "active", _("Active")
        VOIDED = "voided", _("Voided")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    size = models.PositiveIntegerField()
    note = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.CREATED)
    kek_id = models.CharField(max_length=32, blank=True)
    wrapped_secret = models.BinaryField(blank=True)
    created_by = models.CharField(max_length=64)  # the staff member's actor id
    created_by_role = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(size__gte=1, size__lte=10_000), name="card_batch_size_range"
            ),
        ]

    def __str__(self) -> str:
        return f"card batch {self.public_id}"


class Card(models.Model):
    """A card. ``lookup`` is the blind index of its normalised identifier; the identifier
    itself is sealed under the card's own key (``kek_id``/``wrapped_key``), so a card
    works before anyone registers it, and its history becomes the holder's when they do.
    """

    class Kind(models.TextChoices):
        KLIENTO = "kliento", _("Kliento card")
        CONTACTLESS = "contactless", _("Travel or contactless card")
        PHONE = "phone", _("Phone QR code")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        BLOCKED = "blocked", _("Blocked")
        REPLACED = "replaced", _("Replaced")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    issuer = models.ForeignKey(CardIssuer, on_delete=models.PROTECT, related_name="cards")
    lookup = models.BinaryField(max_length=32, unique=True)
    identifier_ct = models.BinaryField()
    kek_id = models.CharField(max_length=32)
    wrapped_key = models.BinaryField()
    registration_code_hash = models.BinaryField(max_length=32, null=True, blank=True)
    holder = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    registered_at = models.DateTimeField(null=True, blank=True)
    blocked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # A card printed in a batch follows the batch's state; its position derives its code.
    batch = models.ForeignKey(
        CardBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="cards"
    )
    batch_position = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["holder", "status"])]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["batch", "batch_position"], name="card_unique_batch_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} card {self.public_id}"


class CardChange(models.Model):
    """A pending replacement: a new card scanned at a merchant, waiting for its holder to
    enter the change code in their pages."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    new_card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="changes")
    code_hash = models.BinaryField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"card change {self.public_id}"
