"""Consent pages: the separate, explicit consent for health data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.consent import selectors, services
from kliento.consent.forms import ConsentGiveForm, ConsentWithdrawForm
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import HEALTH_DATA
from kliento.register import catalogue
from kliento.register import services as register


@login_required
def health_consent(request: HttpRequest) -> HttpResponse:
    """Show the health-data notice; give or withdraw consent in the same two steps."""
    user = request.user
    if not isinstance(user, User):  # login_required lets only signed-in users here
        raise PermissionDenied
    subject = register.subject_of(user)
    actor = Actor.person(user, request)
    latest = selectors.latest_event(subject=subject, purpose=HEALTH_DATA.key)
    given = latest is not None and latest.action == ConsentEvent.Action.GIVEN
    form: ConsentGiveForm | ConsentWithdrawForm = (
        ConsentWithdrawForm() if given else ConsentGiveForm()
    )
    if request.method == "POST":
        # The page's own state decides which form applies, so a stale tab that still
        # shows "give" cannot withdraw (or the other way round) by accident.
        form = ConsentWithdrawForm(request.POST) if given else ConsentGiveForm(request.POST)
        expected = "withdraw" if given else "give"
        if form.is_valid() and form.cleaned_data["action"] == expected:
            language = (get_language() or "fi")[:2]
            if given:
                services.consent_withdraw(
                    subject=subject,
                    purpose_key=HEALTH_DATA.key,
                    language=language,
                    channel=ConsentEvent.Channel.WEB,
                    actor=actor,
                )
                messages.success(
                    request, _("Consent withdrawn. Your allergy information has been deleted.")
                )
            else:
                services.consent_give(
                    subject=subject,
                    purpose_key=HEALTH_DATA.key,
                    language=language,
                    channel=ConsentEvent.Channel.WEB,
                    actor=actor,
                )
                messages.success(request, _("Thank you. You can now enter your allergies."))
            return redirect("consent:health")
        if form.is_valid():
            messages.warning(request, _("This page was out of date. Check your choice again."))
            return redirect("consent:health")
    allergies = catalogue.BY_KEY["allergies"]
    stored = (
        register.profile_read(subject=subject, actor=actor, purpose="", items=[allergies.key])
        if given
        else {}
    )
    return render(
        request,
        "consent/health.html",
        {
            "purpose": HEALTH_DATA,
            "notice": HEALTH_DATA.current,
            "given": given,
            "latest": latest,
            "form": form,
            "item": allergies,
            "values": stored.get(allergies.key, []),
        },
    )
