"""Consent receipts shaped after ISO/IEC TS 27560: one per consent event.

The receipt is built from the event and the declared purpose, in the language the
person decided in, and signed as a compact JWS (``signing.jws_sign``). The readable
page shows the same content.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from kliento.consent import signing
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import LANGUAGES, PURPOSES

SCHEMA = "ISO/IEC TS 27560:2023 consent record (Kliento profile 1)"
CONTROLLER = {
    "name": "Kliento Oy",
    "address": "Annankatu 27 A, 00100 Helsinki, Finland",
    "country": "FI",
}


def receipt_claims(event: ConsentEvent) -> dict[str, Any]:
    """The receipt of ``event`` as a JSON-ready dict (what the JWS signs)."""
    purpose = PURPOSES[event.purpose]
    notice = purpose.notice(event.notice_version)
    if notice is None:  # a published version is never removed; this is a broken deploy
        raise LookupError(f"notice {event.purpose}/{event.notice_version} is not declared")
    language = event.language if event.language in LANGUAGES else "fi"
    with override(language):
        legal_basis = (
            _("Explicit consent, GDPR art. 9(2)(a)")
            if purpose.key == "health_data"
            else _("Consent, GDPR art. 6(1)(a)")
        )
        withdrawal = _(
            "Press “Withdraw” on your consents page (%(page)s) or send "
            "{“purpose”: “%(purpose)s”, “action”: “withdraw”} to %(api)s."
        ) % {
            "page": reverse("consent:list"),
            "purpose": purpose.key,
            "api": "POST /api/v1/me/consents",
        }
        claims: dict[str, Any] = {
            "schema": SCHEMA,
            "receipt_id": str(event.public_id),
            "iat": int(event.at.timestamp()),
            "language": language,
            "controller": CONTROLLER,
            "data_subject": str(event.subject.public_id),
            "purpose": {
                "id": purpose.key,
                "description": str(purpose.label),
                "legal_basis": str(legal_basis),
            },
            "notice": {
                "version": notice.version,
                "published": notice.published.isoformat(),
                "hash_algorithm": "SHA-256",
                "hash": event.notice_hash,
                "hash_covers": "purpose, version and English source text",
                "source_text": notice.source_text(),
                "text_shown": notice.text_in(language),
            },
            "data_categories": [str(c) for c in purpose.data_categories],
            "recipients": [str(r) for r in purpose.recipients],
            "retention": str(purpose.retention),
            "withdrawal_method": withdrawal,
            "event": {
                "action": event.action,
                "time": event.at.astimezone(UTC).isoformat(timespec="seconds"),
                "channel": event.channel,
                "actor": event.actor_kind,
                "reason": event.reason,
            },
        }
    return claims


def receipt_jws(event: ConsentEvent) -> str:
    """The receipt signed by the service, verifiable with ``/.well-known/jwks.json``."""
    return signing.jws_sign(receipt_claims(event))
