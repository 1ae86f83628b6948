"""The terminal API: check-in and reward redemption."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kliento.audit.actors import Actor
from kliento.merchants.api_auth import terminal_auth
from kliento.merchants.models import Terminal
from kliento.visits import services
from kliento.visits.models import Reward
from kliento.visits.schemas import CheckinIn, CheckinOut, RedeemIn, RewardOut

router = Router(tags=["check-in"], auth=terminal_auth)


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
def checkin(request: HttpRequest, payload: CheckinIn) -> tuple[int, dict[str, Any]]:
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
    return (200 if result.replayed else 201), checkin_out(result)


@router.post("/rewards/redeem", response=RewardOut, summary="Redeem a reward by its code")
def redeem(request: HttpRequest, payload: RedeemIn) -> dict[str, Any]:
    terminal: Terminal = request.auth  # type: ignore[attr-defined]
    reward = services.reward_redeem_by_code(
        merchant=terminal.premises.merchant, code=payload.code, actor=_actor(request, terminal)
    )
    return reward_out(reward)
