"""Back-office consent page: the state at any moment for a complaint, and choices the
person told staff, recorded on their behalf with a reason.

Customer service and the privacy officer only; StaffMfaMiddleware has already demanded
MFA. Reading is audited with the stated reason before anything is shown.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.views.people import PROFILE_ROLES, person_or_404
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.consent import services
from kliento.consent.forms import StaffConsentChangeForm, StaffConsentReadForm
from kliento.consent.models import ConsentEvent


@staff_view(*PROFILE_ROLES)
def person_consents(request: HttpRequest, staff: Staff, subject_id: UUID) -> HttpResponse:
    """GET asks for a reason; POST "read" shows the states at a moment and the history;
    POST "change" records a choice on the person's behalf."""
    actor, role = staff.actor, staff.role
    subject = person_or_404(subject_id)
    read_form = StaffConsentReadForm(
        request.POST if "read" in request.POST else None, prefix="read"
    )
    change_form = StaffConsentChangeForm(
        request.POST if "change" in request.POST else None, prefix="change"
    )
    context: dict[str, Any] = {
        "subject": subject,
        "role": role,
        "read_form": read_form,
        "change_form": change_form,
        "can_search": True,
    }
    if request.method == "POST" and "change" in request.POST and change_form.is_valid():
        data = change_form.cleaned_data
        change = services.consent_give if data["action"] == "give" else services.consent_withdraw
        try:
            change(
                subject=subject,
                purpose_key=data["purpose"],
                language=(get_language() or "fi")[:2],
                channel=ConsentEvent.Channel.STAFF,
                actor=actor,
                reason=data["reason"],
            )
        except DomainError as error:
            add_domain_error(change_form, error)
        else:
            messages.success(request, _("The person's choice has been recorded."))
            context["change_form"] = StaffConsentChangeForm(prefix="change")
    if request.method == "POST" and "read" in request.POST and read_form.is_valid():
        moment = read_form.cleaned_data["at"] or timezone.now()
        states, events = services.consent_history_read(
            subject=subject, moment=moment, reason=read_form.cleaned_data["reason"], actor=actor
        )
        context.update({"moment": moment, "states": states, "events": events})
    return render(request, "consent/staff_person.html", context)
