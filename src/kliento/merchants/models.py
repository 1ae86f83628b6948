"""Approved third parties: merchants, their premises, staff and terminals."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Merchant(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    business_id = models.CharField(max_length=20, blank=True)  # Y-tunnus, a company's id
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    # The administrator's reason for the last suspension or reactivation.
    status_reason = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.APPROVED


class Premises(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="premises")
    name = models.CharField(max_length=120)
    street = models.CharField(max_length=120, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=60, blank=True)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "premises"

    def __str__(self) -> str:
        return f"{self.merchant.name}: {self.name}"


class Membership(models.Model):
    """A user's role at a merchant. Cashiers act only at the premises listed."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        CASHIER = "cashier", _("Cashier")

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    premises = models.ManyToManyField(Premises, blank=True, related_name="cashiers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["merchant", "user"], name="merchants_one_role_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} at {self.merchant_id}"

    @property
    def manages(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.MANAGER)


class Invitation(models.Model):
    """An invitation for a person to join a merchant's staff, sent by e-mail."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    premises = models.ManyToManyField(Premises, blank=True)
    token_hash = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.public_id}"


class Terminal(models.Model):
    """A till or reader at one premises; it authenticates with its own bearer token."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, related_name="terminals")
    name = models.CharField(max_length=80)
    token = models.OneToOneField(
        "accounts.ApiToken", on_delete=models.PROTECT, related_name="terminal"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Integration(models.Model):
    """A merchant's integration (a CRM, a report): a bearer token bound to the merchant,
    not to a premises, that may read the merchant's customers and visits but not check in."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, related_name="integrations"
    )
    name = models.CharField(max_length=80)
    token = models.OneToOneField(
        "accounts.ApiToken", on_delete=models.PROTECT, related_name="integration"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Created by the sharing app before the model moved beside Terminal (merchants 0002).
        db_table = "sharing_integration"

    def __str__(self) -> str:
        return self.name


class MerchantApplication(models.Model):
    """A business's application to become a Kliento merchant.

    The contact person's name, e-mail and phone are sealed (AES-256-GCM) under the
    application's own data key (docs/decisions/0017-merchant-onboarding.md); the token of
    the verification link is stored only as its SHA-256 digest."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("E-mail not verified")
        READY = "ready", _("Ready for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Language(models.TextChoices):
        FI = "fi", "suomi"
        SV = "sv", "svenska"
        EN = "en", "English"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    business_name = models.CharField(max_length=120)
    business_id = models.CharField(max_length=9, db_index=True)  # Y-tunnus, 1234567-8
    premises_name = models.CharField(max_length=120)
    street = models.CharField(max_length=120)
    postal_code = models.CharField(max_length=10)
    city = models.CharField(max_length=60)
    language = models.CharField(max_length=2, choices=Language.choices)
    contact_kek_id = models.CharField(max_length=40)
    contact_wrapped_key = models.BinaryField()
    contact_sealed = models.BinaryField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNVERIFIED)
    token_hash = models.BinaryField(max_length=32, null=True)
    token_expires_at = models.DateTimeField()
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merchant_applications",
    )
    merchant = models.OneToOneField(
        Merchant, on_delete=models.SET_NULL, null=True, blank=True, related_name="application"
    )
    reject_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"application {self.public_id}"
