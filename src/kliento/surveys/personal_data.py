"""The person's survey answers and prize draw entries: export, erasure and retention
(see :mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.common.personal_data import (
    RecordKind,
    Section,
    register_retention,
    register_section,
)
from kliento.register.models import Subject
from kliento.surveys import services
from kliento.surveys.models import Response, Survey


def _responses(subject: Subject) -> Iterator[dict[str, Any]]:
    key = services.data_key_of(subject)
    rows = (
        Response.objects.filter(subject=subject)
        .select_related("survey", "survey__draw")
        .order_by("pk")
    )
    for response in rows.iterator(chunk_size=200):
        survey = response.survey
        draw = getattr(survey, "draw", None)
        answers = (
            []
            if key is None
            else services.response_answers(response=response, subject=subject, key=key)
        )
        yield {
            "id": response.public_id,
            "survey": survey.public_id,
            "kind": survey.kind,
            "title": survey.title,
            "answered_at": response.created_at,
            "answers": [{"question": a.question.text, "answer": a.display} for a in answers],
            "drawn": draw is not None if survey.kind == Survey.Kind.DRAW else None,
            "won": draw is not None and str(subject.public_id) in draw.winners,
        }


register_section(
    Section(
        name="surveys",
        title=_("Survey answers and prize draw entries"),
        models=("surveys.Response",),
        items=(services.ANSWERS_ITEM, services.ENTRIES_ITEM),
        rows=_responses,
        count=lambda subject: Response.objects.filter(subject=subject).count(),
        order=130,
        erase=lambda subject: Response.objects.filter(subject=subject).delete(),
        retention=("survey_responses",),
    )
)


# --- survey answers and prize-draw entries (their rules live with the surveys) --------


def _responses_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    return services.responses_expired(timezone.localdate(now))


def _responses_delete(pks: list[Any]) -> int:
    return Response.objects.filter(pk__in=pks).delete()[1].get("surveys.Response", 0)


register_retention(
    RecordKind("survey_responses", _("Survey answers and prize-draw entries"), "survey_answers",
               "delete", _responses_expired, _responses_delete, order=80)
)  # fmt: skip
