"""Card issuers as administrators keep them: travel-card issuers and merchants' own cards.

Kliento's own issuer is built in (the card services create it): no other issuer takes the
kind "kliento", and an issuer that has cards keeps its kind, because each card's kind and
the disclosures to its issuer depend on it (decision 0018)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.cards.models import CardIssuer
from kliento.common.errors import DomainError, ErrorCode

EDITABLE_KINDS = (CardIssuer.Kind.TRAVEL, CardIssuer.Kind.MERCHANT)


def _checked(name: str, kind: str) -> tuple[str, str]:
    name = name.strip()
    if not name or len(name) > CardIssuer._meta.get_field("name").max_length:  # type: ignore[operator]
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("Enter the issuer's name (at most 120 characters)."),
            details={"field": "name"},
        )
    if kind not in EDITABLE_KINDS:
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("Choose a travel card issuer or a merchant's own card."),
            details={"field": "kind"},
        )
    return name, kind


@transaction.atomic
def issuer_create(*, name: str, kind: str, actor: Actor) -> CardIssuer:
    """Add a card issuer (a travel-card company, or a merchant's own card)."""
    require_actor(actor)
    name, kind = _checked(name, kind)
    issuer = CardIssuer.objects.create(name=name, kind=kind)
    audit_record(
        actor=actor, action=AuditAction.CARD_ISSUER_CREATE,
        context={"issuer": str(issuer.public_id), "name": name, "kind": kind},
    )  # fmt: skip
    return issuer


@transaction.atomic
def issuer_update(*, issuer: CardIssuer, name: str, kind: str, actor: Actor) -> CardIssuer:
    """Rename an issuer or change its kind. Kliento's own issuer keeps its kind, and so
    does any issuer with cards."""
    require_actor(actor)
    locked = CardIssuer.objects.select_for_update().get(pk=issuer.pk)
    if kind != locked.kind:
        if locked.kind == CardIssuer.Kind.KLIENTO or locked.cards.exists():
            raise DomainError(
                ErrorCode.ISSUER_IN_USE,
                _("This issuer has cards, so its kind cannot change. Add a new issuer instead."),
                details={"field": "kind"},
            )
        name, kind = _checked(name, kind)
    elif locked.kind == CardIssuer.Kind.KLIENTO:
        name, _kind = _checked(name, CardIssuer.Kind.TRAVEL)  # only the name is checked
    else:
        name, kind = _checked(name, kind)
    before = {"name": locked.name, "kind": locked.kind}
    locked.name, locked.kind = name, kind
    locked.save(update_fields=["name", "kind"])
    audit_record(
        actor=actor, action=AuditAction.CARD_ISSUER_UPDATE,
        context={"issuer": str(locked.public_id), "before": before,
                 "after": {"name": name, "kind": kind}},
    )  # fmt: skip
    return locked
