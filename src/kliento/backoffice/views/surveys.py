"""The marketing role's survey pages under /staff/surveys/: create surveys and prize
draws, see aggregate results (counts only), run and reproduce draws."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kliento.accounts.roles import StaffRole
from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.views.people import staff_nav
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.surveys import draws, selectors, services
from kliento.surveys.forms import QuestionFormSet, SurveyForm
from kliento.surveys.models import Survey
from kliento.surveys.services import LANGUAGES

ROLES = (StaffRole.MARKETING,)


CHART_WIDTH = 360
BAR_SPACE = 300  # the longest bar; the rest of the width holds its count
ROW_HEIGHT = 44


def _chart(result: services.QuestionResult) -> dict[str, Any] | None:
    """Geometry of a small horizontal bar chart (None for a free-text question)."""
    if not result.bars:
        return None
    bars = [
        {
            "label": bar.label,
            "count": bar.count,
            "label_y": row * ROW_HEIGHT + 15,
            "y": row * ROW_HEIGHT + 22,
            "width": max(bar.percent * BAR_SPACE // 100, 1 if bar.count else 0),
            "count_x": bar.percent * BAR_SPACE // 100 + 6,
            "count_y": row * ROW_HEIGHT + 35,
        }
        for row, bar in enumerate(result.bars)
    ]
    summary = "; ".join(f"{bar.label}: {bar.count}" for bar in result.bars)
    return {
        "width": CHART_WIDTH,
        "height": len(bars) * ROW_HEIGHT,
        "bars": bars,
        "description": summary,
    }


def _survey(survey_id: UUID) -> Survey:
    try:
        return selectors.survey_for_staff(survey_id)
    except DomainError:
        raise Http404 from None


@staff_view(*ROLES)
def survey_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    return render(
        request,
        "surveys/staff_list.html",
        {
            "surveys": selectors.surveys_for_staff(),
            "today": timezone.localdate(),
            **staff_nav(staff),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view(*ROLES)
def survey_new(request: HttpRequest, staff: Staff) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    form = SurveyForm(posted)
    questions = QuestionFormSet(posted, prefix="questions")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                kind=data["kind"],
                titles={lang: data[f"title_{lang}"] for lang in LANGUAGES},
                intros={lang: data[f"intro_{lang}"] for lang in LANGUAGES},
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                winners_count=data["winners_count"],
                questions=questions.drafts(),  # type: ignore[attr-defined]
                actor=staff.actor,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved: %(title)s.") % {"title": survey.title})
            return redirect("staff_surveys:detail", survey_id=survey.public_id)
    return render(
        request,
        "surveys/staff_new.html",
        {"form": form, "questions": questions, **staff_nav(staff)},
    )


@staff_view(*ROLES)
def survey_detail(request: HttpRequest, staff: Staff, survey_id: UUID) -> HttpResponse:
    survey = _survey(survey_id)
    responses, results = services.survey_results(survey=survey, actor=staff.actor)
    draw = getattr(survey, "draw", None)
    can_draw = (
        survey.kind == Survey.Kind.DRAW and draw is None and timezone.localdate() > survey.ends_on
    )
    return render(
        request,
        "surveys/staff_detail.html",
        {
            "survey": survey,
            "responses": responses,
            "results": [{**vars(r), "chart": _chart(r)} for r in results],
            "draw": draw,
            "can_draw": can_draw,
            "check": _pending_check(request, survey),
            **staff_nav(staff),
        },
    )


def _pending_check(request: HttpRequest, survey: Survey) -> dict[str, object] | None:
    """The outcome of a reproduction just run for this survey (shown once)."""
    check = request.session.pop("surveys_draw_check", None)
    if not isinstance(check, dict) or check.get("survey") != str(survey.public_id):
        return None
    return {**check, "ok": all(check[key] for key in ("hash", "entrants", "winners"))}


@require_POST
@staff_view(*ROLES)
def survey_draw(request: HttpRequest, staff: Staff, survey_id: UUID) -> HttpResponse:
    survey = _survey(survey_id)
    try:
        draw = draws.draw_run(survey=survey, actor=staff.actor)
    except DomainError as error:
        messages.warning(request, str(error.message))
    else:
        text = ngettext(
            "Drawn: %(winners)s winner from %(entrants)s eligible entrants.",
            "Drawn: %(winners)s winners from %(entrants)s eligible entrants.",
            len(draw.winners),
        )
        messages.success(
            request, text % {"winners": len(draw.winners), "entrants": len(draw.entrants)}
        )
    return redirect("staff_surveys:detail", survey_id=survey.public_id)


@require_POST
@staff_view(*ROLES)
def survey_draw_verify(request: HttpRequest, staff: Staff, survey_id: UUID) -> HttpResponse:
    survey = _survey(survey_id)
    draw = getattr(survey, "draw", None)
    if draw is None:
        raise Http404
    check = draws.draw_verify(draw=draw, actor=staff.actor)
    if check.ok:
        messages.success(request, _("Reproduced: the same entrants and the same winners."))
    else:
        messages.error(request, _("The draw could not be reproduced. See the details below."))
    request.session["surveys_draw_check"] = {
        "survey": str(survey.public_id),
        "hash": check.hash_matches,
        "entrants": check.entrants_match,
        "winners": check.winners_match,
        "log": check.log_matches,
        "deleted": check.entries_deleted,
    }
    return redirect("staff_surveys:detail", survey_id=survey.public_id)
