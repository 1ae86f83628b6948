"""The terminal API: check-in and reward redemption."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.merchants.api_auth import MerchantClient, merchant_read_auth, terminal_auth
from kliento.merchants.models import Terminal
from kliento.register.services import subject_of
from kliento.visits import history, services
from kliento.visits.models import Reward, Visit
from kliento.visits.schemas import (
    CheckinIn,
    CheckinOut,
    MerchantVisitOut,
    MerchantVisitPageOut,
    MyVisitOut,
    MyVisitPageOut,
    RedeemIn,
    RewardOut,
)

router = Router(tags=["check-in"], auth=terminal_auth)
# The person's visits: their session or personal access token (the API's default auth).
person_router = Router(tags=["visits"])


def _actor(request: HttpRequest, terminal: Terminal) -> Actor:
    return Actor.terminal(
        str(terminal.public_id),
        merchant_id=str(terminal.premises.merchant.public_id),
        premises_id=str(terminal.premises.public_id),
        request=request,
    )


def reward_out(reward: Reward) -> dict[str, Any]:
    return {
        "id": reward.public_id,
        "program": reward.program.public_id,
        "name": reward.program.reward_name,
        "expires_at": reward.expires_at,
    }


def checkin_out(result: services.CheckIn) -> dict[str, Any]:
    """The check-in response, shared by the API and the cashier's screen."""
    programs = []
    for program in result.programs:
        balance = result.balances[program.pk]
        earned = result.earned.get(program.pk)
        programs.append({
            "program": program.public_id, "name": program.name, "kind": program.kind,
            "points": balance.points, "stamps": balance.stamps,
            "stamps_required": program.stamps_required if program.kind == "stamps" else None,
            "earned_points": earned.points if earned else 0,
            "earned_stamps": earned.stamps if earned else 0,
            "skipped": earned.skipped if earned else None,
        })  # fmt: skip
    return {
        "visit": result.visit.public_id,
        "at": result.visit.at,
        "premises": result.visit.premises.public_id,
        "replayed": result.replayed,
        "card": {
            "id": result.card.public_id,
            "kind": result.card.kind,
            "registered": result.card.holder_id is not None,
            "registration_code": result.registration_code,
        },
        "loyalty": programs,
        "rewards_available": [reward_out(r) for r in result.rewards],
        "redeemed": reward_out(result.redeemed) if result.redeemed else None,
        "customer": result.customer,
    }


@router.post(
    "/checkins",
    response={200: CheckinOut, 201: CheckinOut},
    summary="Check in a card at the terminal's premises",
)
def checkin(request: HttpRequest, payload: CheckinIn) -> Status[dict[str, Any]]:
    terminal: Terminal = request.auth  # type: ignore[attr-defined]
    result = services.checkin_record(
        premises=terminal.premises,
        card_input=payload.card,
        actor=_actor(request, terminal),
        amount_cents=payload.amount,
        idempotency_key=payload.idempotency_key or "",
        redeem_reward=payload.redeem_reward,
        terminal=terminal,
    )
    return Status(200 if result.replayed else 201, checkin_out(result))


@router.post("/rewards/redeem", response=RewardOut, summary="Redeem a reward by its code")
def redeem(request: HttpRequest, payload: RedeemIn) -> dict[str, Any]:
    terminal: Terminal = request.auth  # type: ignore[attr-defined]
    reward = services.reward_redeem_by_code(
        merchant=terminal.premises.merchant, code=payload.code, actor=_actor(request, terminal)
    )
    return reward_out(reward)


# --- visits: the person sees all of theirs, a merchant's terminal only its merchant's ---


class PageIn(Schema):
    page: int = Field(default=1, ge=1, le=100_000)
    page_size: int = Field(default=25, ge=1, le=100)


def _page(visits: QuerySet[Visit], params: PageIn) -> tuple[int, list[Visit]]:
    start = (params.page - 1) * params.page_size
    return visits.count(), list(visits[start : start + params.page_size])


def _loyalty(visit: Visit) -> dict[str, Any]:
    return {
        "points": visit.earned_points,  # type: ignore[attr-defined]
        "stamps": visit.earned_stamps,  # type: ignore[attr-defined]
        "reversed": visit.reversed,  # type: ignore[attr-defined]
    }


def my_visit_out(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.public_id,
        "at": visit.at,
        "merchant": {"id": visit.merchant.public_id, "name": visit.merchant.name},
        "premises": {"id": visit.premises.public_id, "name": visit.premises.name},
        "card": visit.card.public_id if visit.card else None,
        "amount": visit.amount_cents,
        "loyalty": _loyalty(visit),
    }


def merchant_visit_out(visit: Visit) -> dict[str, Any]:
    card = visit.card
    return {
        "id": visit.public_id,
        "at": visit.at,
        "premises": {"id": visit.premises.public_id, "name": visit.premises.name},
        "card": None
        if card is None
        else {"id": card.public_id, "kind": card.kind, "registered": card.holder_id is not None},
        "amount": visit.amount_cents,
        "loyalty": _loyalty(visit),
    }


@person_router.get("/me/visits", response=MyVisitPageOut, summary="My visits, newest first")
def my_visits(request: HttpRequest, params: Query[PageIn]) -> dict[str, Any]:
    user = request.user
    if not isinstance(user, User):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, _("Authentication is required."))
    count, visits = _page(history.visits_of_person(subject=subject_of(user)), params)
    return {
        "count": count, "page": params.page, "page_size": params.page_size,
        "items": [my_visit_out(v) for v in visits],
    }  # fmt: skip


@person_router.get("/me/visits/{visit_id}", response=MyVisitOut, summary="One of my visits")
def my_visit(request: HttpRequest, visit_id: UUID) -> dict[str, Any]:
    user = request.user
    if not isinstance(user, User):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, _("Authentication is required."))
    return my_visit_out(history.visit_of_person(subject=subject_of(user), visit_id=visit_id))


@router.get(
    "/merchant/visits",
    response=MerchantVisitPageOut,
    tags=["merchant visits"],
    summary="The merchant's visits, newest first (terminal or integration token)",
    auth=merchant_read_auth,
)
def merchant_visits(request: HttpRequest, params: Query[PageIn]) -> dict[str, Any]:
    client: MerchantClient = request.auth  # type: ignore[attr-defined]
    count, visits = _page(history.visits_of_merchant(merchant=client.merchant), params)
    return {
        "count": count, "page": params.page, "page_size": params.page_size,
        "items": [merchant_visit_out(v) for v in visits],
    }  # fmt: skip


@router.get(
    "/merchant/visits/{visit_id}",
    response=MerchantVisitOut,
    tags=["merchant visits"],
    summary="One of the merchant's visits (another merchant's is a 404)",
    auth=merchant_read_auth,
)
def merchant_visit(request: HttpRequest, visit_id: UUID) -> dict[str, Any]:
    client: MerchantClient = request.auth  # type: ignore[attr-defined]
    visit = history.visit_of_merchant(merchant=client.merchant, visit_id=visit_id)
    return merchant_visit_out(visit)
