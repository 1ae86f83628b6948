"""Consent pages: every purpose on one page, receipts, the cookie choice and the JWKS.

The health-data purpose keeps its own page (it also shows the allergies it gates).
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError
from kliento.consent import cookies, receipts, selectors, services, signing
from kliento.consent.forms import ConsentChangeForm, ConsentGiveForm, ConsentWithdrawForm
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import HEALTH_DATA, PURPOSES
from kliento.register import catalogue
from kliento.register import services as register
from kliento.register.models import Subject


def _person(request: HttpRequest) -> tuple[User, Subject, Actor]:
    user = request.user
    if not isinstance(user, User):  # login_required lets only signed-in users here
        raise PermissionDenied
    return user, register.subject_of(user), Actor.person(user, request)


def _language() -> str:
    return (get_language() or "fi")[:2]


@login_required
def consent_list(request: HttpRequest) -> HttpResponse:
    """Every purpose with its notice; one button to give, one button to withdraw."""
    _user, subject, _actor = _person(request)
    states = selectors.consent_states(subject=subject)
    events = list(selectors.consent_events(subject=subject)[:50])
    response = render(
        request,
        "consent/list.html",
        {"states": states, "events": events, "health_key": HEALTH_DATA.key},
    )
    # Keep this browser's cookie choice in step with the recorded one.
    cookie_state = next(s for s in states if s.purpose.key == cookies.PURPOSE_KEY)
    if cookie_state.decided:
        cookies.remember(response, accepted=cookie_state.active)
    return response


@login_required
@require_POST
def consent_change(request: HttpRequest, purpose_key: str) -> HttpResponse:
    """Give or withdraw one purpose (POST-redirect-GET, a message says what happened)."""
    _user, subject, actor = _person(request)
    purpose = PURPOSES.get(purpose_key)
    if purpose is None:
        raise Http404
    form = ConsentChangeForm(request.POST)
    if not form.is_valid() or purpose.key == HEALTH_DATA.key:
        messages.error(request, _("That choice could not be recorded. Try again."))
        return redirect("consent:list")
    action = form.cleaned_data["action"]
    try:
        if action == "give":
            services.consent_give(
                subject=subject,
                purpose_key=purpose.key,
                notice_version=form.cleaned_data["notice_version"],
                language=_language(),
                channel=ConsentEvent.Channel.WEB,
                actor=actor,
            )
            messages.success(request, _("Consent given: %(purpose)s.") % {"purpose": purpose.label})
        else:
            services.consent_withdraw(
                subject=subject,
                purpose_key=purpose.key,
                notice_version=form.cleaned_data["notice_version"],
                language=_language(),
                channel=ConsentEvent.Channel.WEB,
                actor=actor,
            )
            messages.success(
                request, _("Consent withdrawn: %(purpose)s.") % {"purpose": purpose.label}
            )
    except DomainError as error:
        messages.warning(request, str(error.message))
    response = redirect(f"{reverse('consent:list')}#purpose-{purpose.key}")
    if purpose.key == cookies.PURPOSE_KEY:
        cookies.remember(response, accepted=action == "give")
    return response


@login_required
def receipt_page(request: HttpRequest, receipt_id: UUID) -> HttpResponse:
    """The readable receipt, with the signed JSON beside it."""
    _user, subject, _actor = _person(request)
    try:
        event = selectors.consent_event_get(subject=subject, receipt_id=receipt_id)
    except DomainError:
        raise Http404 from None
    return render(
        request,
        "consent/receipt.html",
        {"event": event, "receipt": receipts.receipt_claims(event)},
    )


@login_required
def receipt_jws(request: HttpRequest, receipt_id: UUID) -> HttpResponse:
    """The receipt as a compact JWS, to save or to give to someone who checks it."""
    _user, subject, _actor = _person(request)
    try:
        event = selectors.consent_event_get(subject=subject, receipt_id=receipt_id)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(receipts.receipt_jws(event), content_type="application/jose")
    response["Content-Disposition"] = (
        f'attachment; filename="consent-receipt-{event.public_id}.jws"'
    )
    return response


@require_GET
@cache_control(public=True, max_age=300)
def jwks(request: HttpRequest) -> JsonResponse:
    """The public keys that verify consent receipts (RFC 7517)."""
    return JsonResponse(signing.jwks())


@require_POST
def cookie_choice(request: HttpRequest) -> HttpResponse:
    """The cookie banner: "accept" or "reject", kept in a strictly necessary cookie and,
    for a signed-in person, recorded as a consent event."""
    choice = request.POST.get("choice", "")
    if choice not in ("accept", "reject"):
        return HttpResponseBadRequest(_("Choose accept or reject."))
    accepted = choice == "accept"
    user = request.user
    if isinstance(user, User):
        services.cookie_choice_record(
            subject=register.subject_of(user),
            accepted=accepted,
            language=_language(),
            actor=Actor.person(user, request),
        )
    if request.headers.get("X-Requested-With") == "fetch":
        response: HttpResponse = JsonResponse({"choice": choice})
    else:
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        response = redirect(target)
    cookies.remember(response, accepted=accepted)
    return response


@login_required
def health_consent(request: HttpRequest) -> HttpResponse:
    """Show the health-data notice; give or withdraw consent in the same two steps."""
    _user, subject, actor = _person(request)
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
            if given:
                services.consent_withdraw(
                    subject=subject,
                    purpose_key=HEALTH_DATA.key,
                    language=_language(),
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
                    language=_language(),
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
