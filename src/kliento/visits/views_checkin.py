"""The cashier's check-in screen and the merchant's visits.

The check-in screen calls the same service as ``POST /api/v1/checkins``, acting as the
signed-in member at premises they may act at (a cashier only at their own). Each form
carries an idempotency key, so submitting the same form twice records one visit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kliento.cards.services import card_masked
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error
from kliento.merchants.models import Membership, Premises
from kliento.merchants.selectors import premises_for
from kliento.merchants.views import member_actor, member_view, page, signed_in_user, to
from kliento.register import catalogue
from kliento.register import values as register_values
from kliento.visits import loyalty, rules, selectors
from kliento.visits import services as visit_services
from kliento.visits.forms import CheckinForm, RedeemCodeForm, ReverseForm, VisitFilterForm
from kliento.visits.models import LedgerEntry, LoyaltyProgram, Reward, Visit

VISITS_PER_PAGE = 25
CARD_ERRORS = {
    ErrorCode.CARD_INVALID,
    ErrorCode.CARD_UNKNOWN,
    ErrorCode.CARD_BLOCKED,
    ErrorCode.QR_EXPIRED,
    ErrorCode.CARD_BATCH_INACTIVE,
}
CARD_HINTS = {
    "check_digit": gettext_lazy(
        "The last digit does not match the others: check for a typing error."
    ),
    "unknown_number_format": gettext_lazy(
        "A Kliento card number has 16 digits and starts with 9246."
    ),
    "bad_signature": gettext_lazy("This QR code is not a Kliento code."),
    "unknown_format": gettext_lazy(
        "Type the card number, or read the card or the phone's QR code with a reader."
    ),
}


@dataclass(frozen=True)
class ProgramState:
    program: LoyaltyProgram
    points: int
    stamps: int
    earned_points: int
    earned_stamps: int
    skipped: str
    can_claim: bool
    new_reward: bool = False

    @property
    def stamp_slots(self) -> list[bool]:
        """One entry per stamp on the card: filled or not."""
        return [i < self.stamps for i in range(self.program.stamps_required)]


@dataclass(frozen=True)
class Shown:
    """What the cashier sees after a check-in."""

    visit: Visit
    card_id: UUID
    registered: bool
    registration_code: str | None
    replayed: bool
    programs: list[ProgramState]
    rewards: list[tuple[Reward, LoyaltyProgram]]
    customer: list[tuple[str, str]]


def _customer_rows(customer: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, value in customer.items():
        item = catalogue.BY_KEY[key]
        entries = value if isinstance(value, list) else [value]
        rows.append((str(item.label), ", ".join(register_values.display(item, v) for v in entries)))
    return rows


def _shown(result: visit_services.CheckIn) -> Shown:
    by_pk = {p.pk: p for p in result.programs}
    states = []
    for program in result.programs:
        balance = result.balances[program.pk]
        earned = result.earned.get(program.pk)
        states.append(
            ProgramState(
                program=program, points=balance.points, stamps=balance.stamps,
                earned_points=earned.points if earned else 0,
                earned_stamps=earned.stamps if earned else 0,
                skipped=rules.skipped_text(earned.skipped) if earned else "",
                can_claim=0 < rules.claim_cost(program) <= balance.points,
                new_reward=bool(earned and earned.new_rewards),
            )
        )  # fmt: skip
    return Shown(
        visit=result.visit, card_id=result.card.public_id,
        registered=result.card.holder_id is not None,
        registration_code=result.registration_code, replayed=result.replayed, programs=states,
        rewards=[(r, by_pk[r.program_id]) for r in result.rewards if r.program_id in by_pk],
        customer=_customer_rows(result.customer),
    )  # fmt: skip


def _open_premises(membership: Membership) -> QuerySet[Premises]:
    return premises_for(membership=membership).filter(is_open=True)


def _fresh_form(membership: Membership, premises: Premises | None = None) -> CheckinForm:
    choices = _open_premises(membership)
    return CheckinForm(
        premises=choices,
        initial={"idempotency_key": uuid.uuid4(), "premises": premises or choices.first()},
    )


@never_cache
@member_view()
def checkin(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Type or scan a card (or read a phone's QR code with the camera) and record a visit."""
    shown = None
    status = 200
    hint: str | Promise = ""
    if request.method == "POST":
        form = CheckinForm(request.POST, premises=_open_premises(membership))
        if form.is_valid():
            premises: Premises = form.cleaned_data["premises"]
            try:
                result = visit_services.checkin_record(
                    premises=premises,
                    card_input=form.cleaned_data["card"],
                    amount_cents=form.amount_cents,
                    idempotency_key=str(form.cleaned_data["idempotency_key"]),
                    actor=member_actor(request, membership, premises),
                )
            except DomainError as error:
                add_domain_error(form, error, "card" if error.code in CARD_ERRORS else None)
                hint = CARD_HINTS.get(str(error.details.get("reason", "")), "")
                status = 422
            else:
                shown = _shown(result)
                form = _fresh_form(membership, premises)
        else:
            status = 422
    else:
        form = _fresh_form(membership)
    context = {
        "form": form,
        "shown": shown,
        "hint": hint,
        "redeem_form": RedeemCodeForm(),
        "reverse_form": ReverseForm(),
        "has_premises": _open_premises(membership).exists(),
    }
    return page(
        request, membership, "merchant/checkin.html", context, section="checkin", status=status
    )


@require_POST
@member_view()
def reward_redeem(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Redeem a reward: one shown after a check-in (by id) or one the customer shows
    as a code on their phone."""
    reward_id = request.POST.get("reward")
    actor = member_actor(request, membership)
    form = RedeemCodeForm(request.POST)
    try:
        if reward_id:
            reward = selectors.reward_of(membership=membership, reward_id=UUID(reward_id))
            code = loyalty.reward_code(reward)
        elif form.is_valid():
            code = form.cleaned_data["code"]
        else:
            return _checkin_with_error(request, membership, form)
        redeemed = visit_services.reward_redeem_by_code(
            merchant=membership.merchant, code=code, actor=actor
        )
    except ValueError:
        messages.error(request, _("There is no such reward on this card."))
        return redirect(to("checkin", membership))
    except DomainError as error:
        if reward_id:
            messages.error(request, str(error.message))
            return redirect(to("checkin", membership))
        add_domain_error(form, error, "code")
        return _checkin_with_error(request, membership, form)
    messages.success(
        request, _("Reward redeemed: %(reward)s.") % {"reward": redeemed.program.reward_name}
    )
    return redirect(to("checkin", membership))


def _checkin_with_error(
    request: HttpRequest, membership: Membership, redeem_form: RedeemCodeForm
) -> HttpResponse:
    context = {
        "form": _fresh_form(membership),
        "shown": None,
        "redeem_form": redeem_form,
        "has_premises": _open_premises(membership).exists(),
    }
    return page(
        request, membership, "merchant/checkin.html", context, section="checkin", status=422
    )


@require_POST
@member_view()
def points_claim(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Turn a card's points into a reward, at the till, right after its check-in."""
    try:
        program = selectors.program_of(
            membership=membership, program_id=UUID(request.POST.get("program", ""))
        )
        card = selectors.card_seen_by(
            membership=membership, card_id=UUID(request.POST.get("card", ""))
        )
    except ValueError:
        messages.error(request, _("There is no such reward on this card."))
        return redirect(to("checkin", membership))
    try:
        reward = visit_services.points_claim_reward(
            program=program, card=card, actor=member_actor(request, membership)
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Reward claimed: %(reward)s. Its code is %(code)s.")
            % {"reward": program.reward_name, "code": loyalty.reward_code(reward)},
        )
    return redirect(to("checkin", membership))


# --- visits --------------------------------------------------------------------------------


@member_view()
def visits(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The merchant's visits, newest first, 25 a page, optionally at one premises."""
    premises = premises_for(membership=membership)
    form = VisitFilterForm(request.GET or None, premises=premises)
    chosen = form.cleaned_data["premises"] if form.is_valid() else None
    paginator = Paginator(
        selectors.visits_for(membership=membership, premises=chosen), VISITS_PER_PAGE
    )
    visits_page = paginator.get_page(request.GET.get("page"))
    query = f"premises={chosen.public_id}&" if chosen else ""
    context = {"form": form, "page_obj": visits_page, "query": query, "chosen": chosen}
    return page(request, membership, "merchant/visits.html", context, section="visits")


@member_view()
def visit_detail(request: HttpRequest, membership: Membership, visit_id: UUID) -> HttpResponse:
    visit = selectors.visit_of(membership=membership, visit_id=visit_id)
    return _visit_page(request, membership, visit, ReverseForm())


def _visit_page(
    request: HttpRequest, membership: Membership, visit: Visit, form: ReverseForm, status: int = 200
) -> HttpResponse:
    entries = LedgerEntry.objects.filter(visit=visit).select_related("program").order_by("at", "pk")
    context = {
        "visit": visit,
        "entries": entries,
        "card": card_masked(visit.card) if visit.card else None,
        "redeemed": Reward.objects.filter(redeemed_visit=visit).select_related("program"),
        "own": visit.cashier_id == signed_in_user(request).pk,
        "form": form,
    }
    return page(
        request, membership, "merchant/visit_detail.html", context, section="visits", status=status
    )


@require_POST
@member_view()
def visit_reverse(request: HttpRequest, membership: Membership, visit_id: UUID) -> HttpResponse:
    """Undo the member's own last check-in, with a reason."""
    visit = selectors.visit_of(membership=membership, visit_id=visit_id)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            visit_services.visit_reverse(
                visit=visit,
                actor=member_actor(request, membership, visit.premises),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The check-in was reversed."))
            return redirect(to("visit", membership, visit.public_id))
    return _visit_page(request, membership, visit, form, status=422)
