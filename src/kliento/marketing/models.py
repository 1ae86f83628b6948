"""Direct marketing: campaigns, who was included and why, the suppression list, and the
marketing attributes the audience query reads (current consent is the consent app's).

Profile values are encrypted and cannot be filtered in SQL; the attributes a person
allows for marketing are kept here as keyed HMAC tags (docs/decisions/0011).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.consent.models import ConsentEvent
from kliento.register.models import Subject


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class MarketingProfile(models.Model):
    """What a person allows to be used for choosing offers, and its segment values."""

    subject = models.OneToOneField(
        Subject, on_delete=models.CASCADE, related_name="marketing_profile"
    )
    use_language = models.BooleanField(default=False)
    use_city = models.BooleanField(default=False)
    use_products = models.BooleanField(default=False)
    language = models.CharField(max_length=5, blank=True, db_index=True)
    city_tag = models.BinaryField(max_length=32, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["city_tag"], name="marketing_mp_city")]

    def __str__(self) -> str:
        return f"marketing profile of {self.subject_id}"


class ProductTag(models.Model):
    """One favourite product of a person who allows it for marketing, as an HMAC tag."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    tag = models.BinaryField(max_length=32)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["subject", "tag"], name="marketing_one_product_tag")
        ]
        indexes: ClassVar = [models.Index(fields=["tag", "subject"], name="marketing_pt_tag")]

    def __str__(self) -> str:
        return f"product tag of {self.subject_id}"


class Suppression(models.Model):
    """An address that must never get marketing again: keyed HMAC of the normalised
    e-mail address or phone number, no link to the person, so it survives erasure."""

    channel = models.CharField(max_length=5, choices=Channel.choices)
    digest = models.BinaryField(max_length=32)
    source = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "digest"], name="marketing_one_suppression")
        ]

    def __str__(self) -> str:
        return f"suppressed {self.channel} ({self.source})"


class Campaign(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    purpose = models.CharField(max_length=40)
    # The existing-customer exception: a merchant's own similar products to its own
    # customers, without consent, for as long as the customer relationship lasts.
    existing_customers = models.BooleanField(default=False)
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    segment_language = models.CharField(max_length=5, blank=True)
    segment_city = models.CharField(max_length=100, blank=True)
    segment_product = models.CharField(max_length=100, blank=True)
    content = models.JSONField(default=dict)  # {"fi": {"subject": ..., "body": ...}, ...}
    scheduled_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    base_url = models.CharField(max_length=200)
    created_by = models.CharField(max_length=64)  # the staff member's public id
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(purpose=""), name="marketing_campaign_has_purpose"
            ),
            models.CheckConstraint(
                condition=models.Q(existing_customers=False)
                | (models.Q(merchant__isnull=False) & ~models.Q(purpose="partner_marketing")),
                name="marketing_exception_own_customers_only",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Recipient(models.Model):
    """One person's inclusion in one campaign, and the basis it rested on."""

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        EXISTING_CUSTOMER = "existing_customer", _("Existing customer")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # No public id: rows are made by one INSERT ... SELECT; links carry a signed pk.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=20, choices=Basis.choices)
    # The event relied on; after the consent proof period the purge deletes it and the
    # inclusion keeps its basis without the receipt.
    consent_event = models.ForeignKey(
        ConsentEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    skip_reason = models.CharField(max_length=30, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    address_digest = models.BinaryField(max_length=32, null=True, blank=True)
    included_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["campaign", "subject"], name="marketing_one_inclusion")
        ]
        indexes: ClassVar = [
            models.Index(fields=["campaign", "status"], name="marketing_rc_status"),
            models.Index(fields=["subject", "included_at"], name="marketing_rc_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} in {self.campaign_id}"
