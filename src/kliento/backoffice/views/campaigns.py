"""Campaign pages of the back-office, under /staff/campaigns/ (marketing role only;
StaffMfaMiddleware has already demanded MFA)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kliento.accounts.roles import StaffRole
from kliento.backoffice.guards import Staff, staff_view
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.consent.purposes import PURPOSES
from kliento.marketing import selectors, services
from kliento.marketing.forms import CampaignForm
from kliento.marketing.models import Recipient


@require_http_methods(["GET", "POST"])
@staff_view(StaffRole.MARKETING)
def campaign_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Every campaign with its counts, and the form for a new one."""
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                draft=form.draft(),
                base_url=request.build_absolute_uri("/"),
                actor=staff.actor,
            )
        except DomainError as error:
            add_domain_error(form, error, form.field_for(str(error.details.get("field", ""))))
        else:
            messages.success(request, _("The campaign is scheduled."))
            return redirect("staff_campaigns:detail", campaign_id=campaign.public_id)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "marketing/staff_campaigns.html",
        {"form": form, "campaigns": list(selectors.campaigns_list()[:100])},
        status=status,
    )


@staff_view(StaffRole.MARKETING)
def campaign_detail(request: HttpRequest, staff: Staff, campaign_id: UUID) -> HttpResponse:
    """One campaign: its settings, progress and delivery counts."""
    campaign = selectors.campaign_get(campaign_id)
    if campaign is None:
        raise Http404
    total = campaign.n_total  # type: ignore[attr-defined]
    done = total - campaign.n_queued  # type: ignore[attr-defined]
    counts = [
        (label, getattr(campaign, f"n_{status}"))
        for status, label in (
            (Recipient.Status.QUEUED, _("Queued")),
            (Recipient.Status.SENT, _("Sent")),
            (Recipient.Status.FAILED, _("Failed")),
            (Recipient.Status.SKIPPED, _("Skipped")),
        )
    ]
    return render(
        request,
        "marketing/staff_campaign.html",
        {
            "campaign": campaign,
            "purpose_label": PURPOSES[campaign.purpose].label,
            "counts": counts,
            "total": total,
            "progress": round(100 * done / total) if total else 0,
        },
    )
