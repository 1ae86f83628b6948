"""The request tracker under /staff/requests/, for customer service and the privacy officer.

Thin views: each form posts to its own URL, calls one service and redirects back to the
request; a ``DomainError`` becomes a form error and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.views.people import staff_nav
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error
from kliento.dsr import selectors, services
from kliento.dsr.forms import (
    CloseForm,
    ExtendForm,
    FeeForm,
    LiftForm,
    RequestCreateForm,
    RequestFilterForm,
)
from kliento.dsr.models import DataSubjectRequest, Fee, RequestKind
from kliento.marketing.selectors import inclusions_of

HANDLER_ROLES = (StaffRole.PRIVACY_OFFICER, StaffRole.CUSTOMER_SERVICE)
PAGE_SIZE = 50
INCLUSIONS_SHOWN = 200


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _context(staff: Staff) -> dict[str, Any]:
    return {**staff_nav(staff), "can_requests": True}


@require_http_methods(["GET"])
@staff_view(*HANDLER_ROLES)
def request_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Open requests by due date (overdue first), or closed ones newest first."""
    form = RequestFilterForm(request.GET or None)
    state = (form.cleaned_data["state"] if form.is_valid() else "") or "open"
    page = Paginator(
        selectors.requests_list(state=state).select_related("subject"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "dsr/request_list.html",
        {"form": form, "page": page, "state": state, "now": timezone.now(), **_context(staff)},
    )


@require_http_methods(["GET", "POST"])
@staff_view(*HANDLER_ROLES)
def request_new(request: HttpRequest, staff: Staff) -> HttpResponse:
    form = RequestCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(
                **form.cleaned_data,
                actor=staff.actor,
                site=_site(request),
            )
        except DomainError as error:
            add_domain_error(form, error, next(iter(error.details), None))
        else:
            messages.success(request, _("Request registered; a confirmation link was sent."))
            return redirect("dsr_staff:detail", request_id=created.public_id)
    return render(request, "dsr/request_new.html", {"form": form, **_context(staff)})


def _detail(
    request: HttpRequest, staff: Staff, dsr: DataSubjectRequest, **forms_: Any
) -> HttpResponse:
    # "Was I included in newsletter or SMS campaigns?": the answer, once it is verified.
    inclusions = (
        list(inclusions_of(dsr.subject)[:INCLUSIONS_SHOWN])
        if dsr.kind == RequestKind.CAMPAIGNS and dsr.verified_at is not None
        else None
    )
    context = {
        "inclusions": inclusions,
        "dsr": dsr,
        "events": list(dsr.events.order_by("at", "pk")),
        "fees": list(dsr.fees.order_by("decided_at")),
        "restricted": selectors.is_restricted(dsr.subject_id),
        "now": timezone.now(),
        "is_privacy_officer": staff.role == StaffRole.PRIVACY_OFFICER,
        "extend_form": forms_.get("extend_form") or ExtendForm(),
        "close_form": forms_.get("close_form") or CloseForm(),
        "fee_form": forms_.get("fee_form") or FeeForm(),
        "lift_form": forms_.get("lift_form") or LiftForm(),
        "action_error": forms_.get("action_error"),
        "Kind": RequestKind,
        "FeeState": Fee.State,
        **_context(staff),
    }
    status = 422 if any(f is not None for f in forms_.values()) else 200
    return render(request, "dsr/request_detail.html", context, status=status)


def _get(request_id: UUID) -> DataSubjectRequest:
    try:
        return selectors.request_get(request_id=request_id)
    except DomainError as error:
        raise Http404 from error


@require_http_methods(["GET"])
@staff_view(*HANDLER_ROLES)
def request_detail(request: HttpRequest, staff: Staff, request_id: UUID) -> HttpResponse:
    dsr = services.request_open(request=_get(request_id), actor=staff.actor)
    return _detail(request, staff, dsr)


def _form_error(form: forms.Form, error: DomainError) -> None:
    add_domain_error(form, error, next(iter(error.details), None))


Perform = Callable[[DataSubjectRequest, Any, Actor, str], object]

# Actions with a form: the form, its name in the page's context, and the service call.
FORM_ACTIONS: dict[str, tuple[type[forms.Form], str, Perform]] = {
    "extend": (
        ExtendForm,
        "extend_form",
        lambda dsr, form, actor, site: services.request_extend(
            request=dsr, actor=actor, **form.cleaned_data
        ),
    ),
    "close": (
        CloseForm,
        "close_form",
        lambda dsr, form, actor, site: services.request_close(
            request=dsr, actor=actor, **form.cleaned_data
        ),
    ),
    "fee": (
        FeeForm,
        "fee_form",
        lambda dsr, form, actor, site: services.fee_decide(
            request=dsr,
            ground=form.cleaned_data["ground"],
            amount_cents=form.amount_cents,
            reason=form.cleaned_data["reason"],
            actor=actor,
            site=site,
        ),
    ),
    "lift": (
        LiftForm,
        "lift_form",
        lambda dsr, form, actor, site: services.restriction_lift(
            request=dsr, actor=actor, **form.cleaned_data
        ),
    ),
}
# Actions that are one button.
BUTTON_ACTIONS: dict[str, Perform] = {
    "restrict": lambda dsr, _form, actor, _site: services.restriction_apply(
        request=dsr, actor=actor
    ),
    "object": lambda dsr, _form, actor, _site: services.objection_apply(request=dsr, actor=actor),
    "resend": lambda dsr, _form, actor, site: services.request_verification_resend(
        request=dsr, actor=actor, site=site
    ),
}


@require_POST
@staff_view(*HANDLER_ROLES)
def request_action(
    request: HttpRequest, staff: Staff, request_id: UUID, action: str
) -> HttpResponse:
    """One of the request's actions; errors are shown on the request page, nothing saved."""
    if action not in FORM_ACTIONS and action not in BUTTON_ACTIONS:
        raise Http404
    dsr = _get(request_id)
    actor = staff.actor
    if action in BUTTON_ACTIONS:
        try:
            BUTTON_ACTIONS[action](dsr, None, actor, _site(request))
        except DomainError as error:
            if error.code == ErrorCode.PERMISSION_DENIED:
                raise PermissionDenied from error
            return _detail(request, staff, _get(request_id), action_error=str(error.message))
    else:
        form_class, form_name, perform = FORM_ACTIONS[action]
        form = form_class(request.POST)
        if form.is_valid():
            try:
                perform(dsr, form, actor, _site(request))
            except DomainError as error:
                if error.code == ErrorCode.PERMISSION_DENIED:
                    raise PermissionDenied from error
                _form_error(form, error)
        if form.errors:
            return _detail(request, staff, _get(request_id), **{form_name: form})
    messages.success(request, _("Saved."))
    return redirect("dsr_staff:detail", request_id=dsr.public_id)
