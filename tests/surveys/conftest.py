"""Shared pieces for the survey tests: a marketing actor, people who consent, surveys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.consent import services as consent
from kliento.register.models import Subject
from kliento.register.services import subject_of
from kliento.surveys import services
from kliento.surveys.models import Survey
from kliento.surveys.services import QuestionDraft


def texts(word: str) -> dict[str, str]:
    return {"fi": f"{word} fi", "sv": f"{word} sv", "en": f"{word} en"}


QUESTIONS = [
    QuestionDraft("single", texts("Favourite"), [texts("Coffee"), texts("Tea")]),
    QuestionDraft("multiple", texts("Which"), [texts("Bread"), texts("Buns"), texts("Cake")]),
    QuestionDraft("scale", texts("How happy")),
    QuestionDraft("text", texts("Anything else")),
]


def answers(text: str = "Fine", *, single: int = 0, scale: int = 4) -> dict[int, Any]:
    return {1: single, 2: [0, 2], 3: scale, 4: text}


def give(user: User, purpose: str) -> Subject:
    subject = subject_of(user)
    consent.consent_give(
        subject=subject, purpose_key=purpose, language="en", channel="web",
        actor=Actor.person(user),
    )  # fmt: skip
    return subject


def withdraw(user: User, purpose: str) -> None:
    consent.consent_withdraw(
        subject=subject_of(user), purpose_key=purpose, language="en", channel="web",
        actor=Actor.person(user),
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are matched in English, whatever the default language and translations."""
    with override("en"):
        yield


@pytest.fixture
def marketing(staff_user: Any) -> Actor:
    return Actor.staff(staff_user(StaffRole.MARKETING), StaffRole.MARKETING.value)


def make_survey(actor: Actor, *, kind: str = "survey", winners: int = 0, **extra: Any) -> Survey:
    today = timezone.localdate()
    arguments: dict[str, Any] = {
        "kind": kind,
        "titles": texts("Coffee survey"),
        "intros": texts("Tell us"),
        "starts_on": today - dt.timedelta(days=1),
        "ends_on": today + dt.timedelta(days=7),
        "questions": QUESTIONS,
        "winners_count": winners,
        **extra,
    }
    return services.survey_create(actor=actor, **arguments)


def close(survey: Survey, *, days_ago: int = 1) -> None:
    """Move the survey's end into the past (answers stay as they were)."""
    ends = timezone.localdate() - dt.timedelta(days=days_ago)
    Survey.objects.filter(pk=survey.pk).update(starts_on=ends - dt.timedelta(days=10), ends_on=ends)
    survey.refresh_from_db()
