"""The person's cards over the API: list, register, block, change, and the phone QR."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.throttling import BaseThrottle

from kliento.accounts.api_auth import ScopedUserThrottle
from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.cards import identifiers, selectors, services
from kliento.cards.models import Card
from kliento.cards.schemas import CardBlockIn, CardChangeIn, CardOut, CardRegisterIn, QrOut
from kliento.common.errors import DomainError, ErrorCode
from kliento.register.models import Subject
from kliento.register.services import subject_of

router = Router(tags=["cards"])

# Wrong codes are guessable only slowly: a few tries a minute per person.
CODE_THROTTLE: list[BaseThrottle] = [ScopedUserThrottle("card-codes", "10/m")]
QR_REFRESH_SECONDS = 30


def _me(request: HttpRequest) -> tuple[Subject, Actor]:
    user = request.user
    if not isinstance(user, User):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, _("Authentication is required."))
    return subject_of(user), Actor.person(user, request, via="api")


def card_out(row: selectors.CardRow) -> dict[str, Any]:
    return {
        "id": row.id, "kind": row.kind, "kind_label": row.kind_label, "masked": row.masked,
        "issuer": {"name": row.issuer, "kind": row.issuer_kind}, "status": row.status,
        "registered_at": row.registered_at, "blocked_at": row.blocked_at,
        "last_used_at": row.last_used_at,
    }  # fmt: skip


def _one(card: Card) -> dict[str, Any]:
    return card_out(selectors.CardRow(card, services.card_masked(card)))


def qr_payload(*, subject: Subject, actor: Actor) -> dict[str, Any]:
    """A fresh signed token for the person's phone QR card (created on first use)."""
    card = services.phone_card_of(subject=subject, actor=actor)
    return {
        "token": identifiers.qr_token(card.public_id),
        "card": card.public_id,
        "expires_at": timezone.now() + timedelta(seconds=identifiers.QR_MAX_AGE_SECONDS),
        "refresh_after_seconds": QR_REFRESH_SECONDS,
    }


@router.get("/me/cards", response=list[CardOut], summary="My cards, numbers masked")
def card_list(request: HttpRequest) -> list[dict[str, Any]]:
    subject, _actor = _me(request)
    return [card_out(row) for row in selectors.card_rows(subject=subject)]


@router.post(
    "/me/cards/register",
    response={201: CardOut},
    throttle=CODE_THROTTLE,
    summary="Take a card into use with its registration code",
)
def card_register(request: HttpRequest, payload: CardRegisterIn) -> Status[dict[str, Any]]:
    subject, actor = _me(request)
    card = services.card_register(
        subject=subject, card_number=payload.card_number, code=payload.code, actor=actor
    )
    return Status(201, _one(card))


@router.post("/me/cards/change", response=CardOut, throttle=CODE_THROTTLE,
             summary="Replace a card with a new one, with the change code from a till")  # fmt: skip
def card_change(request: HttpRequest, payload: CardChangeIn) -> dict[str, Any]:
    subject, actor = _me(request)
    old = selectors.replaceable_cards_of(subject=subject).filter(public_id=payload.old_card).first()
    if old is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    card = services.card_change_complete(
        subject=subject, old_card=old, code=payload.code, actor=actor
    )
    return _one(card)


@router.get("/me/cards/qr", response=QrOut, summary="A fresh phone QR token (valid one minute)")
def card_qr(request: HttpRequest) -> dict[str, Any]:
    subject, actor = _me(request)
    return qr_payload(subject=subject, actor=actor)


@router.post("/me/cards/{card_id}/block", response=CardOut, summary="Block a lost card")
def card_block(request: HttpRequest, card_id: UUID, payload: CardBlockIn) -> dict[str, Any]:
    subject, actor = _me(request)
    card = selectors.card_of(subject=subject, card_id=card_id)
    return _one(services.card_block(card=card, actor=actor, reason=payload.reason or "lost"))
