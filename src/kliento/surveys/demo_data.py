"""Demo surveys for ``kliento demo``: one open opinion survey and one open prize draw.

The demo cardholder has not consented, so their Surveys page first shows why they cannot
answer; giving the consent on the Consents page opens both."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.surveys import services
from kliento.surveys.models import Survey
from kliento.surveys.services import QuestionDraft

SURVEY_TITLE = "How was your last visit?"
DRAW_TITLE = "Win a year of coffee"


def _q(kind: str, fi: str, sv: str, en: str, *options: tuple[str, str, str]) -> QuestionDraft:
    return QuestionDraft(
        kind,
        {"fi": fi, "sv": sv, "en": en},
        [{"fi": o[0], "sv": o[1], "en": o[2]} for o in options],
    )


def demo_surveys(*, marketing: User) -> list[str]:
    """Create the demo survey and draw unless they exist; lines for the console."""
    actor = Actor.staff(marketing, StaffRole.MARKETING.value)
    today = timezone.localdate()
    if not Survey.objects.filter(title_en=SURVEY_TITLE).exists():
        services.survey_create(
            kind=Survey.Kind.SURVEY,
            titles={"fi": "Millainen oli viime käyntisi?", "sv": "Hur var ditt senaste besök?",
                    "en": SURVEY_TITLE},
            intros={"fi": "Kolme kysymystä, minuutti aikaa.", "sv": "Tre frågor, en minut.",
                    "en": "Three questions, one minute."},
            starts_on=today,
            ends_on=today + dt.timedelta(days=30),
            questions=[
                _q("scale", "Kuinka tyytyväinen olit?", "Hur nöjd var du?",
                   "How satisfied were you?"),
                _q("multiple", "Mitä ostit?", "Vad köpte du?", "What did you buy?",
                   ("Kahvia", "Kaffe", "Coffee"), ("Leivonnaisia", "Bakverk", "Pastries"),
                   ("Lounaan", "Lunch", "Lunch")),
                _q("text", "Mitä voisimme parantaa?", "Vad kunde vi förbättra?",
                   "What could we do better?"),
            ],
            actor=actor,
        )  # fmt: skip
    if not Survey.objects.filter(title_en=DRAW_TITLE).exists():
        services.survey_create(
            kind=Survey.Kind.DRAW,
            titles={"fi": "Voita vuoden kahvit", "sv": "Vinn ett års kaffe", "en": DRAW_TITLE},
            intros={"fi": "Arvomme kolme voittajaa.", "sv": "Vi lottar ut tre vinnare.",
                    "en": "We draw three winners."},
            starts_on=today,
            ends_on=today + dt.timedelta(days=14),
            winners_count=3,
            questions=[
                _q("single", "Mikä on suosikkijuomasi?", "Vilken är din favoritdryck?",
                   "Which is your favourite drink?",
                   ("Kahvi", "Kaffe", "Coffee"), ("Tee", "Te", "Tea")),
            ],
            actor=actor,
        )  # fmt: skip
    return [
        "Surveys: an open survey and an open prize draw at /profile/surveys/ "
        "(give the survey or prize draw consent first); marketing sees totals at /staff/surveys/"
    ]
