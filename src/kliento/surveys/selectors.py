"""Reads of surveys, scoped to who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kliento.common.errors import DomainError, ErrorCode
from kliento.consent.selectors import has_consent
from kliento.register.models import Subject
from kliento.surveys.models import Response, Survey
from kliento.surveys.services import eligibility_problem


def surveys_for_staff() -> QuerySet[Survey]:
    """Every survey and draw, newest first, for the marketing role's list."""
    return Survey.objects.select_related("draw").order_by("-created_at", "-id")


def survey_for_staff(public_id: UUID) -> Survey:
    """One survey by its public id; an unknown id is not found."""
    survey = surveys_for_staff().filter(public_id=public_id).first()
    if survey is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return survey


@dataclass(frozen=True)
class PersonSurvey:
    """A survey as one person sees it: answered already, or why they may not answer."""

    survey: Survey
    answered: bool
    problem: str | None
    won: bool = False


def _visible_to(subject: Subject, today: date) -> QuerySet[Survey]:
    return Survey.objects.filter(
        Q(starts_on__lte=today, ends_on__gte=today) | Q(responses__subject=subject)
    ).distinct()


def surveys_for_person(*, subject: Subject, today: date) -> list[PersonSurvey]:
    """Open surveys and draws, and the ones the person answered, newest end date first."""
    answered = set(Response.objects.filter(subject=subject).values_list("survey_id", flat=True))
    surveys = list(_visible_to(subject, today).select_related("draw").order_by("-ends_on", "-id"))
    purposes = {survey.consent_purpose for survey in surveys}
    consents = {p: has_consent(subject=subject, purpose=p) for p in sorted(purposes)}
    return [_as_seen(survey, subject, today, answered, consents) for survey in surveys]


def survey_for_person(*, subject: Subject, public_id: UUID, today: date) -> PersonSurvey:
    """One survey the person may see (open now, or answered); anything else is not found."""
    survey = _visible_to(subject, today).filter(public_id=public_id).first()
    if survey is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    answered = set(Response.objects.filter(subject=subject).values_list("survey_id", flat=True))
    return _as_seen(survey, subject, today, answered)


def _as_seen(
    survey: Survey,
    subject: Subject,
    today: date,
    answered: set[int],
    consents: dict[str, bool] | None = None,
) -> PersonSurvey:
    done = survey.pk in answered
    consented = None if consents is None else consents[survey.consent_purpose]
    draw = getattr(survey, "draw", None)
    return PersonSurvey(
        survey=survey,
        answered=done,
        problem=None
        if done
        else eligibility_problem(survey=survey, subject=subject, today=today, consented=consented),
        won=draw is not None and str(subject.public_id) in draw.winners,
    )
