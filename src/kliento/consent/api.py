"""The person's consents over the API: read, give or withdraw one purpose, receipts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router

from kliento.accounts.api_auth import ScopedUserThrottle
from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent import receipts, selectors, services
from kliento.consent.models import ConsentEvent
from kliento.consent.schemas import ConsentChangeIn, ConsentChangeOut, ConsentsOut, ReceiptsOut
from kliento.consent.selectors import ConsentState
from kliento.register.models import Subject
from kliento.register.services import subject_of

router = Router(tags=["consents"])

RECEIPTS_LIMIT = 200


def _me(request: HttpRequest) -> tuple[Subject, Actor]:
    user = request.user
    if not isinstance(user, User):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, _("Authentication is required."))
    return subject_of(user), Actor.person(user, request, via="api")


def _state_out(state: ConsentState) -> dict[str, Any]:
    notice = state.purpose.current
    return {
        "purpose": state.purpose.key,
        "label": str(state.purpose.label),
        "given": state.given,
        "active": state.active,
        "needs_reconsent": state.needs_reconsent,
        "given_notice_version": state.event.notice_version if state.event else None,
        "since": state.event.at if state.event else None,
        "notice": {
            "version": notice.version,
            "published": notice.published,
            "hash": notice.hash_for(state.purpose.key),
            "text": str(notice.text),
            "requires_reconsent": notice.requires_reconsent,
        },
    }


@router.get("/me/consents", response=ConsentsOut, summary="My consents, one per purpose")
def consents_get(request: HttpRequest) -> dict[str, Any]:
    subject, _actor = _me(request)
    return {"consents": [_state_out(s) for s in selectors.consent_states(subject=subject)]}


@router.post(
    "/me/consents",
    response=ConsentChangeOut,
    throttle=[ScopedUserThrottle("consent_change", "60/m")],
    summary="Give or withdraw one purpose",
    description=(
        "Gives or withdraws one purpose. 422 value_invalid for an unknown purpose or "
        "notice version; 409 notice_changed when giving consent to a notice version that is no "
        "longer current (read GET /me/consents again). Withdrawal accepts any published "
        "version. Nothing is recorded when the request is refused, and giving or "
        "withdrawing again what is already so records nothing new."
    ),
)
def consents_post(request: HttpRequest, payload: ConsentChangeIn) -> dict[str, Any]:
    subject, actor = _me(request)
    language = (get_language() or "fi")[:2]
    event: ConsentEvent | None
    if payload.action == "give":
        event = services.consent_give(
            subject=subject,
            purpose_key=payload.purpose,
            notice_version=payload.notice_version,
            language=language,
            channel=ConsentEvent.Channel.API,
            actor=actor,
        )
    else:
        event = services.consent_withdraw(
            subject=subject,
            purpose_key=payload.purpose,
            notice_version=payload.notice_version,
            language=language,
            channel=ConsentEvent.Channel.API,
            actor=actor,
        )
    state = selectors.consent_state_at(
        subject=subject, purpose=payload.purpose, moment=timezone.now()
    )
    return {"consent": _state_out(state), "receipt_id": event.public_id if event else None}


@router.get(
    "/me/consents/receipts",
    response=ReceiptsOut,
    summary="My consent receipts, newest first, each a signed JWS",
)
def receipts_get(request: HttpRequest) -> dict[str, Any]:
    subject, _actor = _me(request)
    events = selectors.consent_events(subject=subject)[:RECEIPTS_LIMIT]
    return {
        "receipts": [
            {
                "receipt_id": e.public_id,
                "purpose": e.purpose,
                "action": e.action,
                "at": e.at,
                "jws": receipts.receipt_jws(e),
            }
            for e in events
        ]
    }
