"""The person's own account over the API: who am I, and personal access tokens."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from kliento.accounts import selectors, tokens
from kliento.accounts.api_auth import ScopedUserThrottle
from kliento.accounts.models import ApiToken, User
from kliento.accounts.schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode

router = Router(tags=["me"])


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # every endpoint here requires authentication
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, _("Authentication is required."))
    return user


def _token_out(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.public_id,
        "name": token.name,
        "kind": token.kind,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/me", response=MeOut, summary="The signed-in account")
def me(request: HttpRequest) -> dict[str, object]:
    user = _user(request)
    return {
        "id": user.public_id,
        "email": user.email,
        "language": user.language,
        "is_staff": user.is_staff,
    }


@router.get("/me/tokens", response=list[TokenOut], summary="My personal access tokens")
def token_list(request: HttpRequest) -> list[dict[str, object]]:
    return [_token_out(t) for t in selectors.personal_tokens_of(user=_user(request))]


@router.post(
    "/me/tokens",
    response={201: TokenCreatedOut},
    throttle=[ScopedUserThrottle("token_create", "10/m")],
    summary="Create a personal access token (signed-in browser only; shown once)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    # A token must not mint more tokens: a leaked token could otherwise outlive its
    # own revocation. Only the person, signed in with the browser, creates tokens.
    if isinstance(request.auth, ApiToken):  # type: ignore[attr-defined]
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            _("Tokens can be created only when signed in with a browser."),
        )
    user = _user(request)
    expires_at = (
        timezone.now() + timedelta(days=payload.expires_in_days)
        if payload.expires_in_days
        else None
    )
    token, plaintext = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL,
        name=payload.name,
        user=user,
        actor=Actor.person(user, request),
        expires_at=expires_at,
    )
    return Status(201, {**_token_out(token), "token": plaintext})


@router.delete(
    "/me/tokens/{token_id}",
    response={204: None},
    throttle=[ScopedUserThrottle("token_revoke", "30/m")],
    summary="Revoke one of my tokens",
)
def token_revoke(request: HttpRequest, token_id: UUID) -> Status[None]:
    user = _user(request)
    token = get_object_or_404(selectors.personal_tokens_of(user=user), public_id=token_id)
    tokens.token_revoke(token=token, actor=Actor.person(user, request))
    return Status(204, None)
