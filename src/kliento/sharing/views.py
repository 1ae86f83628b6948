"""The person's sharing pages, joining and leaving merchants, and the Activity section.

Views parse, call ``sharing.services`` or a selector and render; every write is
POST-redirect-GET. Grants take effect at once: nothing here or anywhere caches them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.common.spreadsheet import csv_row
from kliento.merchants.models import Merchant
from kliento.register import services as register
from kliento.register.models import Subject
from kliento.sharing import activity, selectors, services
from kliento.sharing.forms import (
    SPECIAL,
    ActivityFilterForm,
    HealthSharingForm,
    SharingForm,
)

PAGE_SIZE = 50
FACEBOOK_SHARER = "https://www.facebook.com/sharer/sharer.php?u="


def _me(request: HttpRequest) -> tuple[Subject, Actor]:
    user = request.user
    if not isinstance(user, User):  # login_required lets only signed-in users here
        raise PermissionDenied
    return register.subject_of(user), Actor.person(user, request)


@login_required
def sharing_index(request: HttpRequest) -> HttpResponse:
    """The merchants the person has visited or joined, and how much each one sees."""
    subject, _actor = _me(request)
    merchants = list(selectors.merchants_of_person(subject=subject))
    return render(request, "sharing/index.html", {"merchants": merchants})


def _merchant_page(
    request: HttpRequest,
    subject: Subject,
    merchant: Merchant,
    *,
    form: SharingForm | None = None,
    health_form: HealthSharingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    granted = selectors.granted_items(subject=subject, merchant=merchant)
    version = selectors.grants_version(subject=subject, merchant=merchant)
    special_granted = any(item.key in granted for item in SPECIAL)
    if form is None:
        form = SharingForm(granted=granted, initial={"version": version})
    if health_form is None:
        health_form = HealthSharingForm(
            merchant=merchant, granted=special_granted, initial={"version": version}
        )
    context = {
        "merchant": merchant,
        "form": form,
        "health_form": health_form,
        "granted": granted,
        "special_granted": special_granted,
        "special_items": SPECIAL,
        "health_consent": register.HEALTH_CONSENT_PURPOSE,
    }
    return render(request, "sharing/merchant.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sharing_merchant(request: HttpRequest, merchant_id: UUID) -> HttpResponse:
    """Grant or withdraw each item (or a whole category) for one merchant."""
    subject, actor = _me(request)
    merchant = selectors.merchant_of_person(subject=subject, merchant_id=merchant_id)
    if request.method != "POST":
        return _merchant_page(request, subject, merchant)
    granted = selectors.granted_items(subject=subject, merchant=merchant)
    form = SharingForm(request.POST, granted=granted)
    if form.is_valid():
        keep_special = [item.key for item in SPECIAL if item.key in granted]
        try:
            services.grants_set(
                subject=subject, merchant=merchant, actor=actor,
                items=[*form.chosen(request.POST.get("category", "")), *keep_special],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("Saved. %(merchant)s sees the change now.") % {"merchant": merchant.name}
            )
            return redirect("sharing:merchant", merchant_id=merchant.public_id)
    return _merchant_page(request, subject, merchant, form=form, status=422)


@login_required
@require_http_methods(["POST"])
def sharing_health(request: HttpRequest, merchant_id: UUID) -> HttpResponse:
    """Share or stop sharing health data with one merchant, with explicit confirmation."""
    subject, actor = _me(request)
    merchant = selectors.merchant_of_person(subject=subject, merchant_id=merchant_id)
    granted = selectors.granted_items(subject=subject, merchant=merchant)
    special = {item.key for item in SPECIAL}
    form = HealthSharingForm(request.POST, merchant=merchant, granted=bool(special & set(granted)))
    if form.is_valid():
        items = [key for key in granted if key not in special]
        if form.cleaned_data["share"]:
            items += sorted(special)
        try:
            services.grants_set(
                subject=subject, merchant=merchant, actor=actor, items=items,
                confirm_special_for=merchant.name if form.cleaned_data["confirm"] else "",
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("Saved. %(merchant)s sees the change now.") % {"merchant": merchant.name}
            )
            return redirect("sharing:merchant", merchant_id=merchant.public_id)
    return _merchant_page(request, subject, merchant, health_form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, merchant_id: UUID) -> HttpResponse:
    """Join a merchant as its customer (the QR code at the premises leads here)."""
    subject, actor = _me(request)
    merchant = selectors.joinable_merchant(merchant_id=merchant_id)
    if request.method == "POST":
        services.relationship_join(subject=subject, merchant=merchant, actor=actor)
        messages.success(
            request,
            _("You joined %(merchant)s. Nothing is shared until you choose it below.")
            % {"merchant": merchant.name},
        )
        return redirect("sharing:merchant", merchant_id=merchant.public_id)
    joined = subject.relationships.filter(merchant=merchant).exists()
    return render(request, "sharing/join.html", {"merchant": merchant, "joined": joined})


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, merchant_id: UUID) -> HttpResponse:
    """Leave a merchant: every grant to it is withdrawn at once."""
    subject, actor = _me(request)
    merchant = selectors.merchant_of_person(subject=subject, merchant_id=merchant_id)
    if request.method == "POST":
        services.relationship_leave(subject=subject, merchant=merchant, actor=actor)
        messages.success(
            request,
            _("You left %(merchant)s. It no longer sees anything you shared.")
            % {"merchant": merchant.name},
        )
        return redirect("sharing:index")
    granted = selectors.granted_items(subject=subject, merchant=merchant)
    return render(request, "sharing/leave.html", {"merchant": merchant, "granted": granted})


# --- Activity ---------------------------------------------------------------------------


def _filters(request: HttpRequest, subject: Subject) -> tuple[ActivityFilterForm, activity.Filters]:
    merchants = list(selectors.merchants_of_person(subject=subject))
    form = ActivityFilterForm(request.GET or None, merchants=merchants)
    if not form.is_bound or not form.is_valid():
        return form, activity.Filters()
    data = form.cleaned_data
    return form, activity.Filters(
        merchant=form.merchants.get(data["merchant"] or ""),
        kinds=activity.kinds_from(data["kind"]),
        since=data["since"],
        until=data["until"],
    )


def facebook_share_url(request: HttpRequest, event: activity.Event) -> str:
    """A plain link the person may click: it shares the merchant's public join page and
    nothing about the person. No Facebook script, pixel or cookie is ever loaded."""
    if not event.share or not event.merchant_id:
        return ""
    target = request.build_absolute_uri(
        reverse("sharing:join", kwargs={"merchant_id": event.merchant_id})
    )
    return FACEBOOK_SHARER + quote(target, safe="")


@login_required
def activity_page(request: HttpRequest) -> HttpResponse:
    """One timeline of everything that happened with third parties."""
    subject, _actor = _me(request)
    form, filters = _filters(request, subject)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    events = activity.timeline(
        subject=subject, filters=filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    has_next = len(events) > PAGE_SIZE
    rows = [(event, facebook_share_url(request, event)) for event in events[:PAGE_SIZE]]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sharing/activity.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
        },
    )


def _csv_lines(events: Iterator[activity.Event]) -> Iterator[str]:
    yield csv_row(
        ["at", "kind", "action", "title", "merchant", "premises", "who", "items", "purpose"]
    )
    for event in events:
        row: dict[str, Any] = event.as_dict()
        row["items"] = " ".join(row["items"])
        yield csv_row(row.values())


def _json_lines(events: Iterator[activity.Event]) -> Iterator[str]:
    yield '{"events": [\n'
    first = True
    for event in events:
        yield ("" if first else ",\n") + json.dumps(event.as_dict(), ensure_ascii=False)
        first = False
    yield "\n]}\n"


@login_required
def activity_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The timeline (with the page's filters) as CSV or JSON, streamed. Filters that do not
    validate are refused before anything streams (400), never half a file."""
    if fmt not in ("csv", "json"):
        raise Http404
    subject, _actor = _me(request)
    form, filters = _filters(request, subject)
    if form.is_bound and not form.is_valid():
        return render(request, "errors/400.html", status=400)
    events = activity.timeline_all(subject=subject, filters=filters)
    lines = _csv_lines(events) if fmt == "csv" else _json_lines(events)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = StreamingHttpResponse(lines, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="kliento-activity-{stamp}.{fmt}"'
    return response
