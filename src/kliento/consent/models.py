"""The consent event log: append-only; the current state is derived from it."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone

from kliento.register.models import Subject


class ConsentEvent(models.Model):
    class Action(models.TextChoices):
        GIVEN = "given", "given"
        WITHDRAWN = "withdrawn", "withdrawn"
        EXPIRED = "expired", "expired"

    class Channel(models.TextChoices):
        WEB = "web", "web"
        API = "api", "API"
        STAFF = "staff", "staff on the person's behalf"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField(max_length=40)
    notice_version = models.CharField(max_length=20)
    notice_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=2)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["subject", "purpose", "at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.action} at {self.at:%Y-%m-%d}"
