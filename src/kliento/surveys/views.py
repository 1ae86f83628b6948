"""The person's survey pages under /profile/surveys/: open surveys and draws they may
answer, the answer form, and their own answers. Thin: parse, call, render."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error
from kliento.register.models import Subject
from kliento.register.services import subject_of
from kliento.surveys import selectors, services
from kliento.surveys.forms import AnswerForm


def _person(request: HttpRequest) -> tuple[Subject, Actor]:
    user = request.user
    if not isinstance(user, User):  # login_required lets only signed-in users here
        raise PermissionDenied
    return subject_of(user), Actor.person(user, request)


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    subject, _actor = _person(request)
    rows = selectors.surveys_for_person(subject=subject, today=timezone.localdate())
    return render(
        request, "surveys/person_list.html", {"rows": rows, "today": timezone.localdate()}
    )


@require_http_methods(["GET", "POST"])
@login_required
def survey_answer(request: HttpRequest, survey_id: UUID) -> HttpResponse:
    subject, actor = _person(request)
    try:
        seen = selectors.survey_for_person(
            subject=subject, public_id=survey_id, today=timezone.localdate()
        )
    except DomainError:
        raise Http404 from None
    survey = seen.survey
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST":
        if seen.answered:
            messages.warning(request, _("You have already answered this survey."))
            return redirect("surveys:answer", survey_id=survey.public_id)
        if seen.problem is not None:
            messages.warning(request, seen.problem)
            return redirect("surveys:answer", survey_id=survey.public_id)
        if form.is_valid():
            try:
                services.response_submit(
                    survey=survey, subject=subject, answers=form.answers(), actor=actor
                )
            except DomainError as error:
                if error.code == ErrorCode.VALUE_INVALID:
                    add_domain_error(form, error)
                else:
                    messages.warning(request, str(error.message))
                    return redirect("surveys:answer", survey_id=survey.public_id)
            else:
                messages.success(request, _("Thank you. Your answers have been saved."))
                return redirect("surveys:answer", survey_id=survey.public_id)
    own = (
        services.response_read_own(survey=survey, subject=subject, actor=actor)
        if seen.answered
        else []
    )
    return render(request, "surveys/person_answer.html", {"seen": seen, "form": form, "own": own})
