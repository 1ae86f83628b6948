"""Opinion and market surveys and prize draws, their questions, answers and draws.

A response holds the person's answers sealed under their own data key (like profile
values), so destroying the key shreds the answers too. Results for staff come from
``Tally`` counters kept beside the answers: marketing never decrypts anyone's answers.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kliento.register.models import Subject


def _in_language(values: dict[str, str]) -> str:
    language = (get_language() or "fi")[:2]
    return values.get(language) or values.get("fi") or values.get("en") or ""


class Survey(models.Model):
    """A survey or a prize draw, open from ``starts_on`` to ``ends_on`` (both inclusive)."""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("Opinion or market survey")
        DRAW = "draw", _("Prize draw")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title_fi = models.CharField(max_length=200)
    title_sv = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    intro_fi = models.TextField(max_length=2000)
    intro_sv = models.TextField(max_length=2000)
    intro_en = models.TextField(max_length=2000)
    starts_on = models.DateField()
    ends_on = models.DateField()
    winners_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="surveys_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="survey", winners_count=0)
                | models.Q(kind="draw", winners_count__gte=1),
                name="surveys_winners_only_for_draws",
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return _in_language({"fi": self.title_fi, "sv": self.title_sv, "en": self.title_en})

    @property
    def intro(self) -> str:
        return _in_language({"fi": self.intro_fi, "sv": self.intro_sv, "en": self.intro_en})

    @property
    def consent_purpose(self) -> str:
        """The consent purpose that makes a person eligible."""
        return "prize_draws" if self.kind == self.Kind.DRAW else "surveys"

    def is_open_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Question(models.Model):
    """One question; ``options`` lists the choices as {"fi", "sv", "en"} dicts."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale from 1 to 5")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text_fi = models.CharField(max_length=300)
    text_sv = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)
    options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar = ["survey", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "position"], name="surveys_question_order")
        ]

    def __str__(self) -> str:
        return self.text_en

    @property
    def text(self) -> str:
        return _in_language({"fi": self.text_fi, "sv": self.text_sv, "en": self.text_en})

    def option_labels(self) -> list[str]:
        """The choices in the active language (1..5 for a scale)."""
        if self.kind == self.Kind.SCALE:
            return [str(n) for n in range(1, 6)]
        return [_in_language(option) for option in self.options]


class Response(models.Model):
    """One person's answers to one survey (at most one), sealed under their data key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="survey_responses")
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "subject"], name="surveys_one_response")
        ]

    def __str__(self) -> str:
        return f"response {self.public_id}"


class Tally(models.Model):
    """How many answered ``option`` (an index; 0 for "answered" on a free-text question).

    Counts only, never who: the results page reads these, not the answers.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    option = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["question", "option"], name="surveys_one_tally")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.option}={self.count}"


class Draw(models.Model):
    """The outcome of a prize draw, with everything needed to reproduce it.

    ``entrants`` are the eligible entrants' pseudonymous subject ids, sorted; the winners
    are ``random.Random(seed).sample(entrants, k)`` (see ``draws.pick_winners``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.OneToOneField(Survey, on_delete=models.PROTECT, related_name="draw")
    algorithm = models.CharField(max_length=40)
    seed = models.CharField(max_length=64)
    entrants = models.JSONField(default=list)
    entrants_hash = models.CharField(max_length=64)
    winners = models.JSONField(default=list)
    drawn_at = models.DateTimeField(default=timezone.now)
    drawn_by = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"draw of {self.survey_id}"
