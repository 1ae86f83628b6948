"""The consent event log: append-only; the current state is derived from it."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from kliento.register.models import Subject


class AppendOnlyError(Exception):
    """A consent event was to be changed or deleted; events are proof and never change."""


class ConsentEventQuerySet(models.QuerySet["ConsentEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("consent events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("consent events are append-only")


class ConsentEvent(models.Model):
    """One act of giving, withdrawing or expiry of one purpose, by one actor.

    Rows are only ever inserted: the ORM refuses updates and deletes here, and on
    PostgreSQL a trigger refuses them in the database (migration 0003).
    """

    class Action(models.TextChoices):
        GIVEN = "given", "given"
        WITHDRAWN = "withdrawn", "withdrawn"
        EXPIRED = "expired", "expired"

    class Channel(models.TextChoices):
        WEB = "web", "web"
        API = "api", "API"
        STAFF = "staff", "staff on the person's behalf"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: the events are the proof of consent and outlive an erased profile.
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="consent_events")
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

    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["subject", "purpose", "at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(channel__in=["web", "api", "staff"]),
                name="consent_event_channel_known",
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=["given", "withdrawn", "expired"]),
                name="consent_event_action_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(channel="staff") | ~models.Q(reason=""),
                name="consent_event_staff_gives_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["fi", "sv", "en"]),
                name="consent_event_language_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.action} at {self.at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("consent events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("consent events are append-only")


class CurrentConsent(models.Model):
    """The newest consent event per person and purpose, kept by every appended event."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=40)
    granted = models.BooleanField()
    action = models.CharField(max_length=10)
    notice_version = models.CharField(max_length=20)
    # When the retention purge deletes the newest event (withdrawn long ago), the row goes
    # too: no row means no consent, exactly what the log then says.
    event = models.ForeignKey(ConsentEvent, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        # Created by the marketing app before the model moved here (consent 0004).
        db_table = "marketing_currentconsent"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["subject", "purpose"], name="marketing_one_current")
        ]
        indexes: ClassVar = [
            models.Index(fields=["purpose", "granted", "subject"], name="marketing_cc_audience")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.action} for {self.subject_id}"
