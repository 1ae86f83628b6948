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

    class Meta:
        indexes: ClassVar = [models.Index(fields=["holder", "status"])]

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
