"""The merchant portal's dashboard and loyalty programs (owners and managers only).

The pages sit in the merchant portal under /merchant/<merchant id>/ and use its
membership checks; the check-in screen and the visits live in views_checkin.py.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error
from kliento.merchants.models import Membership
from kliento.merchants.views import member_actor, member_view, page, to
from kliento.visits import charts, rules, selectors
from kliento.visits import services as visit_services
from kliento.visits.forms import ProgramForm

# --- the dashboard ---------------------------------------------------------------------


@member_view(manager=True)
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Visits per day and per premises, new versus returning customers, rewards."""
    span = charts.window()
    per_day = charts.visits_per_day(membership=membership, span=span)
    per_premises = charts.visits_per_premises(membership=membership, span=span)
    new, returning = charts.new_and_returning(membership=membership, span=span)
    rewards = charts.rewards_redeemed_per_day(membership=membership, span=span)
    visits_total = sum(per_day.values())
    chart_list = [
        charts.columns(
            slug="visits-per-day",
            title=gettext_lazy("Visits per day"),
            description=_("Visits on each of the last 30 days, %(total)s in all.")
            % {"total": visits_total},
            label_heading=gettext_lazy("Day"),
            value_heading=gettext_lazy("Visits"),
            data=charts.day_series(per_day),
        ),
        charts.rows(
            slug="visits-per-premises",
            title=gettext_lazy("Visits per premises"),
            description=_("Visits at each of your premises in the last 30 days."),
            label_heading=gettext_lazy("Premises"),
            value_heading=gettext_lazy("Visits"),
            data=per_premises,
        ),
        charts.rows(
            slug="new-and-returning",
            title=gettext_lazy("New and returning customers"),
            description=_(
                "Cards seen in the last 30 days: %(new)s visited for the first time, "
                "%(returning)s had visited before."
            )
            % {"new": new, "returning": returning},
            label_heading=gettext_lazy("Customers"),
            value_heading=gettext_lazy("Cards"),
            data=[(_("New"), new), (_("Returning"), returning)],
        ),
        charts.columns(
            slug="rewards-redeemed",
            title=gettext_lazy("Rewards redeemed per day"),
            description=_("Rewards redeemed on each of the last 30 days, %(total)s in all.")
            % {"total": sum(rewards.values())},
            label_heading=gettext_lazy("Day"),
            value_heading=gettext_lazy("Rewards"),
            data=charts.day_series(rewards),
        ),
    ]
    summary = [
        (_("Visits"), visits_total),
        (_("Customers"), new + returning),
        (_("New customers"), new),
        (_("Rewards redeemed"), sum(rewards.values())),
    ]
    return page(
        request,
        membership,
        "merchant/dashboard.html",
        {"charts": chart_list, "summary": summary, "span": span},
        section="dashboard",
    )


# --- loyalty programs ------------------------------------------------------------------


@member_view(manager=True)
def programs(request: HttpRequest, membership: Membership) -> HttpResponse:
    programs = selectors.programs_for(membership=membership)
    context = {"programs": [(program, rules.explain(program)) for program in programs]}
    return page(request, membership, "merchant/programs.html", context, section="programs")


@member_view(manager=True)
def program_edit(
    request: HttpRequest, membership: Membership, program_id: UUID | None = None
) -> HttpResponse:
    """Create a program, or change its terms (from the next check-in on)."""
    program = (
        None
        if program_id is None
        else selectors.program_of(membership=membership, program_id=program_id)
    )
    initial = None if program is None else ProgramForm.initial_for(program)
    if request.method == "POST":
        form = ProgramForm(request.POST, initial=initial, editing=program is not None)
        if form.is_valid():
            actor = member_actor(request, membership)
            try:
                if program is None:
                    visit_services.program_create(
                        membership=membership, terms=form.terms, actor=actor
                    )
                else:
                    visit_services.program_update(
                        membership=membership, program=program, terms=form.terms,
                        is_active=form.cleaned_data["is_active"], actor=actor,
                    )  # fmt: skip
            except DomainError as error:
                if error.code == ErrorCode.NOT_FOUND:
                    raise Http404 from error
                add_domain_error(form, error)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": form.terms.name})
                return redirect(to("programs", membership))
    else:
        form = ProgramForm(initial=initial, editing=program is not None)
    return page(
        request, membership, "merchant/program_form.html", {"form": form, "program": program},
        section="programs",
    )  # fmt: skip
