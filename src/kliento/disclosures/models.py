"""Recipients of personal data, the disclosures made to them, the signed webhook outbox
that tells them about corrections and erasures, and the published privacy notices."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.register.models import Subject


class Recipient(models.Model):
    """A card issuer, a partner, a processor or an authority that may receive personal data.

    ``items`` and ``purposes`` are what it may receive and for what (catalogue keys and
    catalogue purposes); a disclosure outside them is refused. The webhook signing
    secret is sealed under the current key-encryption key and shown only once.
    """

    class Kind(models.TextChoices):
        CARD_ISSUER = "card_issuer", _("Card issuer")
        PARTNER = "partner", _("Partner (with the person's consent)")
        PROCESSOR = "processor", _("Service provider (processor)")
        AUTHORITY = "authority", _("Authority (where the law requires)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=120)
    card_issuer = models.ForeignKey(
        "cards.CardIssuer", on_delete=models.PROTECT, null=True, blank=True
    )
    consent_purpose = models.CharField(max_length=40, blank=True)
    items = models.JSONField(default=list)
    purposes = models.JSONField(default=list)
    tasks = models.TextField(blank=True)
    agreement_reference = models.CharField(max_length=80, blank=True)
    agreement_date = models.DateField(null=True, blank=True)
    country = models.CharField(max_length=2, default="FI")
    transfer_safeguard = models.CharField(max_length=200, blank=True)
    webhook_url = models.URLField(max_length=300)
    secret_kek_id = models.CharField(max_length=32)
    secret_sealed = models.BinaryField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("kind", "name")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=["card_issuer", "partner", "processor", "authority"]),
                name="recipient_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind="card_issuer") | Q(card_issuer__isnull=False),
                name="recipient_card_issuer_linked",
            ),
            models.CheckConstraint(
                condition=~Q(kind="partner") | ~Q(consent_purpose=""),
                name="recipient_partner_has_consent_purpose",
            ),
            models.CheckConstraint(
                condition=~Q(kind="processor")
                | (~Q(agreement_reference="") & Q(agreement_date__isnull=False) & ~Q(tasks="")),
                name="recipient_processor_has_agreement",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Disclosure(models.Model):
    """One item of one person's data given to one recipient, with its legal basis."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="disclosures")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="disclosures")
    item = models.CharField(max_length=40)
    legal_basis = models.CharField(max_length=24)
    purpose = models.CharField(max_length=24)
    at = models.DateTimeField(default=timezone.now)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    # Why a disclosure recorded by hand was made (e.g. the authority's request reference).
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["subject", "recipient"])]

    def __str__(self) -> str:
        return f"{self.item} to {self.recipient_id} at {self.at:%Y-%m-%d}"


class OutboxMessage(models.Model):
    """A webhook message to a recipient, written in the transaction of its event.

    ``public_id`` is the idempotency id the recipient sees: a retry carries the same one.
    The payload names the person only by their pseudonymous id and the item keys, never
    a value, so nothing readable about the person waits in the outbox.
    """

    class Event(models.TextChoices):
        DISCLOSURE = "disclosure", _("Disclosure")
        CORRECTION = "correction", _("Correction")
        ERASURE = "erasure", _("Erasure")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="outbox")
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox"
    )
    event = models.CharField(max_length=12, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["status", "next_attempt_at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "delivered", "failed"]),
                name="outbox_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.recipient_id} ({self.status})"


class NoticeVersion(models.Model):
    """One published version of the generated privacy notice; never changed afterwards."""

    number = models.PositiveIntegerField(unique=True)
    content_hash = models.CharField(max_length=64)
    texts = models.JSONField()  # {"fi": html, "sv": html, "en": html}
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-number",)

    def __str__(self) -> str:
        return f"privacy notice v{self.number}"
