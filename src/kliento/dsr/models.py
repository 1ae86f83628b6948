"""Data subject requests handled by staff, their fees, and processing restrictions.

A request's status history is append-only (``RequestEvent``); the request row carries
the current status and due date so lists stay one query.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.register.models import Subject


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to data")
    RECTIFICATION = "rectification", _("Rectification")
    ERASURE = "erasure", _("Erasure")
    RESTRICTION = "restriction", _("Restriction of processing")
    OBJECTION = "objection", _("Objection to direct marketing")
    LOGIN_CHANGE = "login_change", _("Change of login e-mail or password")
    CANCELLATION = "cancellation", _("Account cancellation")
    CAMPAIGNS = "campaigns", _("Inclusion in newsletter or SMS campaigns")


class RequestChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    WEB = "web", _("Web form")


class RequestStatus(models.TextChoices):
    AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    AWAITING_FEE = "awaiting_fee", _("Fee proposed")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


CLOSED_STATUSES = frozenset({RequestStatus.COMPLETED, RequestStatus.REFUSED})


class DataSubjectRequest(models.Model):
    """One request a person made through e-mail, phone, letter or the web form."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: a request is the record of how a right was answered; it is deleted by
    # the retention run after its period, not with the profile.
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="dsr_requests")
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    channel = models.CharField(max_length=8, choices=RequestChannel.choices)
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=24, choices=RequestStatus.choices, default=RequestStatus.AWAITING_VERIFICATION
    )
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.CharField(max_length=500, blank=True)
    # When a restriction or an objection was put into effect for this request.
    applied_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(max_length=4000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=64)  # the staff member's public id
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["closed_at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(extended_at__isnull=True) | ~models.Q(extension_reason=""),
                name="dsr_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(outcome=""),
                name="dsr_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} request {self.public_id}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


EVENT_LABELS = {
    "received": _("Received"),
    "verification_sent": _("Confirmation link sent again"),
    "verified": _("Confirmed by the person"),
    "extended": _("Due date extended"),
    "fee_decided": _("Fee proposed"),
    "fee_accepted": _("Fee accepted"),
    "fee_declined": _("Fee declined"),
    "restriction_applied": _("Processing restricted"),
    "restriction_lifted": _("Restriction lifted"),
    "objection_applied": _("Direct marketing stopped"),
    "closed": _("Answered and closed"),
}


class AppendOnlyError(Exception):
    """A request event was to be changed; the status history is never rewritten."""


class RequestEvent(models.Model):
    """One step in a request's history: append-only."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=24, choices=RequestStatus.choices)
    action = models.CharField(max_length=32)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("request events are append-only")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class Fee(models.Model):
    """A fee the privacy officer decided; nothing is charged before the person accepts."""

    class Ground(models.TextChoices):
        UNFOUNDED = "unfounded", _("Manifestly unfounded request")
        EXCESSIVE = "excessive", _("Excessive request")
        EXTRA_COPIES = "extra_copies", _("Extra copies")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the person's answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="fees")
    ground = models.CharField(max_length=16, choices=Ground.choices)
    amount_cents = models.PositiveIntegerField()
    reason = models.CharField(max_length=1000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    decided_by = models.CharField(max_length=64)
    decided_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0, amount_cents__lte=100_00),
                name="dsr_fee_amount_in_range",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="dsr_fee_has_reason"),
        ]

    def __str__(self) -> str:
        return f"fee {self.public_id}"

    @property
    def amount_euros(self) -> str:
        return f"{self.amount_cents / 100:.2f}"
