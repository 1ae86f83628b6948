"""The administrators' merchant queue under /staff/merchants/: applications to review
(approve, or reject with a reason) and approved merchants to suspend or reactivate.
Every decision is mailed to the applicant in their own language."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kliento.accounts.roles import StaffRole
from kliento.backoffice.guards import Staff, staff_view
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.merchants import onboarding, selectors
from kliento.merchants.forms_onboarding import ReasonForm
from kliento.merchants.models import Merchant, MerchantApplication
from kliento.merchants.onboarding_mail import mail_approved, mail_rejected

FILTER_LABELS = {
    "pending": gettext_lazy("Pending applications"),
    "approved": gettext_lazy("Approved"),
    "suspended": gettext_lazy("Suspended"),
    "rejected": gettext_lazy("Rejected"),
}


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or business ID"), required=False, max_length=120)
    status = forms.ChoiceField(
        label=gettext_lazy("Show"), choices=list(FILTER_LABELS.items()), required=False
    )


@require_GET
@staff_view(StaffRole.ADMINISTRATOR)
def queue(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The searchable list, pending applications first."""
    form = QueueFilterForm(request.GET or None)
    status, query = "pending", ""
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"] or "pending"
        query = form.cleaned_data["q"]
    rows = selectors.merchant_queue(status=status, query=query)
    return render(
        request,
        "staff/merchants/queue.html",
        {"form": form, "rows": rows, "status": status, "status_label": FILTER_LABELS[status]},
    )


@require_http_methods(["GET", "POST"])
@staff_view(StaffRole.ADMINISTRATOR)
def application_detail(request: HttpRequest, staff: Staff, application_id: UUID) -> HttpResponse:
    """One application with its contact; approve, or reject with a reason."""
    application = selectors.application_get(public_id=application_id)
    reject_form = ReasonForm(prefix="reject")
    error: str | None = None
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                merchant = onboarding.application_approve(
                    application=application, actor=staff.actor
                )
                application.refresh_from_db()
                mail_approved(
                    application, link=request.build_absolute_uri(reverse("merchant:home"))
                )
                messages.success(request, _("%(name)s is approved.") % {"name": merchant.name})
                return redirect("staff_merchants:merchant", merchant.public_id)
            reject_form = ReasonForm(request.POST, prefix="reject")
            if reject_form.is_valid():
                onboarding.application_reject(
                    application=application,
                    reason=reject_form.cleaned_data["reason"],
                    actor=staff.actor,
                )
                application.refresh_from_db()
                mail_rejected(application)
                messages.success(request, _("The application is rejected."))
                return redirect(reverse("staff_merchants:queue") + "?status=rejected")
        except DomainError as refusal:
            status = refusal.status
            if request.POST.get("decision") == "approve":
                error = str(refusal.message)
            else:
                add_domain_error(reject_form, refusal)
    context = {
        "application": application,
        "contact": onboarding.application_read(application=application, actor=staff.actor),
        "reject_form": reject_form,
        "error": error,
        "decided": application.status
        in (MerchantApplication.Status.APPROVED, MerchantApplication.Status.REJECTED),
    }
    if reject_form.errors and status == 200:
        status = 422
    return render(request, "staff/merchants/application.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_view(StaffRole.ADMINISTRATOR)
def merchant_detail(request: HttpRequest, staff: Staff, merchant_id: UUID) -> HttpResponse:
    """One merchant; suspend it, or reactivate it, with a reason."""
    merchant = selectors.merchant_get(public_id=merchant_id)
    form = ReasonForm(prefix="status")
    if request.method == "POST":
        form = ReasonForm(request.POST, prefix="status")
        if form.is_valid():
            change = (
                onboarding.merchant_suspend
                if merchant.status == Merchant.Status.APPROVED
                else onboarding.merchant_reactivate
            )
            try:
                merchant = change(
                    merchant=merchant, reason=form.cleaned_data["reason"], actor=staff.actor
                )
            except DomainError as refusal:
                add_domain_error(form, refusal)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": merchant.name})
                return redirect("staff_merchants:merchant", merchant.public_id)
    context = {
        "merchant": merchant,
        "form": form,
        "premises": merchant.premises.order_by("name"),
        "owners": merchant.memberships.filter(role="owner").select_related("user"),
    }
    return render(
        request, "staff/merchants/merchant.html", context, status=422 if form.errors else 200
    )
