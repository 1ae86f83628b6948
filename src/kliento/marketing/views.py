"""The person's campaigns page (/profile/campaigns/) and the one-click unsubscribe
(/u/<signed token>/), which needs no login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError
from kliento.consent.purposes import PURPOSES
from kliento.marketing import segments, selectors, services
from kliento.marketing.forms import SegmentChoiceForm
from kliento.register import services as register


@login_required
@require_http_methods(["GET", "POST"])
def my_campaigns(request: HttpRequest) -> HttpResponse:
    """Which newsletters and text messages I was included in and why; what I allow to be
    used for choosing offers."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    subject = register.subject_of(user)
    profile = segments.marketing_profile_of(subject)
    if request.method == "POST":
        form = SegmentChoiceForm(request.POST)
        if form.is_valid():
            segments.marketing_profile_set(
                subject=subject,
                choice=segments.SegmentChoice(**form.cleaned_data),
                actor=Actor.person(user, request),
            )
            messages.success(request, _("Your choices are saved."))
            return redirect("marketing:mine")
    else:
        form = SegmentChoiceForm(
            initial={
                "use_language": bool(profile and profile.use_language),
                "use_city": bool(profile and profile.use_city),
                "use_products": bool(profile and profile.use_products),
            }
        )
    inclusions = list(selectors.inclusions_of(subject)[:200])
    language = user.language
    for row in inclusions:
        row.purpose_label = PURPOSES[row.campaign.purpose].label  # type: ignore[attr-defined]
        content = row.campaign.content
        text: dict[str, str] = content.get(language) or next(iter(content.values()), {})
        row.title = text.get("subject") or text.get("body", "")[:60]  # type: ignore[attr-defined]
    return render(
        request,
        "marketing/my_campaigns.html",
        {"form": form, "inclusions": inclusions, "profile": profile},
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one confirm button; POST unsubscribes. A bad link changes nothing."""
    try:
        recipient = services.recipient_from_token(token)
    except DomainError as error:
        return render(request, "marketing/unsubscribe.html", {"error": error.message}, status=400)
    done = None
    if request.method == "POST":
        changed = services.unsubscribe(token=token, actor_request=request)
        done = "done" if changed else "already"
    return render(
        request,
        "marketing/unsubscribe.html",
        {"campaign": recipient.campaign, "done": done},
    )
