"""Staff look-ups of a person by one exact value, through the blind indexes.

Nothing is searched by a part of a value: e-mail addresses and phone numbers are
normalised and matched through their keyed HMAC index, card numbers through the card's
own index. Each person found is recorded in the audit log, so they see the look-up.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.cards import identifiers
from kliento.cards.models import Card
from kliento.cards.services import card_lookup
from kliento.common.errors import DomainError, ErrorCode
from kliento.register import services
from kliento.register.models import Subject

# The catalogue item each kind of search value is.
SEARCH_ITEMS = {"email": "email", "phone": "phone", "card": "card_identifiers"}
_CARD_KINDS = {"kliento": Card.Kind.KLIENTO, "contactless": Card.Kind.CONTACTLESS}


def _by_card(value: str) -> list[Subject]:
    scanned = identifiers.parse(value)
    if scanned.kind not in _CARD_KINDS:
        raise DomainError(ErrorCode.CARD_INVALID, _("Type the card number printed on the card."))
    card = (
        Card.objects.filter(lookup=card_lookup(_CARD_KINDS[scanned.kind], scanned.value))
        .select_related("holder__user")
        .first()
    )
    return [] if card is None or card.holder is None else [card.holder]


@transaction.atomic
def people_search(*, kind: str, value: str, actor: Actor) -> list[Subject]:
    """Subjects holding exactly ``value`` as an e-mail address, phone number or card
    number (``kind``); erased subjects are never found. Bad input is a DomainError."""
    require_actor(actor)
    if kind not in SEARCH_ITEMS:
        raise DomainError(ErrorCode.ITEM_NOT_SUPPORTED, _("This item cannot be searched."))
    found = (
        _by_card(value)
        if kind == "card"
        else services.subjects_by_lookup(item_key=kind, value=value)
    )
    found = [subject for subject in found if subject.erased_at is None]
    for subject in found:
        audit_record(
            actor=actor,
            action=AuditAction.PROFILE_SEARCH,
            subject_id=subject.public_id,
            items=[SEARCH_ITEMS[kind]],
        )
    return found
