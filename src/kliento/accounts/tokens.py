"""Bearer tokens: minting, checking and revoking.

A token reads ``kl_<lookup>_<secret>``. Only SHA-256 of the secret is stored; the
plaintext is returned once, at creation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.accounts.models import ApiToken, User
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.common.errors import DomainError, ErrorCode

TOKEN_PREFIX = "kl_"  # noqa: S105 (a marker for secret scanners, not a secret)
# last_used_at is a hint for people reviewing their tokens, not an audit trail:
# write it at most once a minute so a busy terminal does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("ascii")).digest()


def _split(raw: str) -> tuple[str, str] | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    lookup, sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not sep or len(lookup) != 12 or not secret or len(secret) > 64:
        return None
    return lookup, secret


@transaction.atomic
def token_create(
    *,
    kind: ApiToken.Kind,
    name: str,
    actor: Actor,
    user: User | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Mint a token and return it with its plaintext, which is never stored or shown again.

    A person's usable tokens have distinct names, so the list tells them apart when one
    must be revoked: a second usable token with the same name is a CONFLICT.
    """
    require_actor(actor)
    clean_name = name.strip()
    if user is not None:
        # Lock the owner so two concurrent requests cannot both pass the name check.
        User.objects.select_for_update().filter(pk=user.pk).first()
        now = timezone.now()
        clash = (
            ApiToken.objects.filter(user=user, kind=kind, name=clean_name, revoked_at=None)
            .exclude(expires_at__lte=now)
            .exists()
        )
        if clash:
            raise DomainError(
                ErrorCode.NAME_TAKEN,
                _("You already have a token with this name. Choose another name."),
                details={"field": "name"},
            )
    lookup = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        kind=kind,
        name=clean_name,
        user=user,
        lookup=lookup,
        secret_hash=_hash(secret),
        expires_at=expires_at,
    )
    if kind == ApiToken.Kind.PERSONAL:  # terminals and integrations record their own entry
        audit_record(actor=actor, action=AuditAction.TOKEN_CREATE, context=_token_context(token))
    return token, f"{TOKEN_PREFIX}{lookup}_{secret}"


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The usable token that ``raw`` names, or None. Constant-time on the secret."""
    parts = _split(raw)
    if parts is None:
        return None
    lookup, secret = parts
    token = ApiToken.objects.select_related("user").filter(lookup=lookup).first()
    if token is None:
        # Spend the same hashing work for unknown lookups as for known ones.
        hmac.compare_digest(_hash(secret), b"\0" * 32)
        return None
    if not hmac.compare_digest(_hash(secret), bytes(token.secret_hash)):
        return None
    if not token.is_usable:
        return None
    if token.user is not None and not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Actor) -> ApiToken:
    """Revoke ``token`` at once; a revoked token never authenticates again."""
    require_actor(actor)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        if token.kind == ApiToken.Kind.PERSONAL:
            audit_record(
                actor=actor, action=AuditAction.TOKEN_REVOKE, context=_token_context(token)
            )
    return token


def _token_context(token: ApiToken) -> dict[str, str]:
    # The lookup names the token in the log; the secret never leaves token_create, and the
    # name the person typed (free text) stays out of the append-only log.
    return {"token": token.lookup, "kind": token.kind}
