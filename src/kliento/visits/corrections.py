"""Customer service corrects a loyalty balance: a compensating ledger entry with the
reason and the staff actor. Existing entries are never edited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.cards.models import Card
from kliento.common.errors import DomainError, ErrorCode
from kliento.register.models import Subject
from kliento.register.selectors import is_restricted
from kliento.visits import loyalty
from kliento.visits.models import LedgerEntry, LoyaltyProgram


def correction_card(*, subject: Subject, program: LoyaltyProgram) -> Card | None:
    """The card a correction for ``subject`` in ``program`` goes on: the one they last
    used in the program, else the first card they hold (None when they hold none). The
    balance is the account's, whichever of its cards carries the entry."""
    latest = (
        LedgerEntry.objects.filter(program=program, card__holder=subject)
        .select_related("card__holder")
        .order_by("-at", "-pk")
        .first()
    )
    if latest is not None:
        return latest.card
    return Card.objects.filter(holder=subject).select_related("holder").order_by("pk").first()


@transaction.atomic
def ledger_correct(
    *, card: Card, program: LoyaltyProgram, points: int, stamps: int, reason: str, actor: Actor
) -> LedgerEntry:
    """Add ``points`` and ``stamps`` (either may be negative) to the account ``card``
    belongs to, in ``program``. Refused without a reason, when nothing changes, or when
    the account's balance would go below zero; the account's cards are locked first, so
    a concurrent redemption cannot slip in between the check and the entry."""
    require_actor(actor)
    reason = reason.strip()
    if not reason:
        raise DomainError(
            ErrorCode.REASON_REQUIRED,
            _("Give a reason for the correction."),
            details={"field": "reason"},
        )
    if not points and not stamps:
        raise DomainError(
            ErrorCode.CORRECTION_EMPTY,
            _("Enter the points or stamps to add or remove."),
            details={"field": "points"},
        )
    if card.holder_id is not None and is_restricted(card.holder_id):
        # GDPR art. 18, as at check-in: the holder's data may only be stored meanwhile.
        raise DomainError(
            ErrorCode.PROCESSING_RESTRICTED,
            _("This person has restricted the use of their data: no corrections for now."),
        )
    card_ids = loyalty.account_card_ids(card, lock=True)
    balance = loyalty.balances([program.pk], card_ids)[program.pk]
    if balance.points + points < 0 or balance.stamps + stamps < 0:
        raise DomainError(
            ErrorCode.BALANCE_WOULD_BE_NEGATIVE,
            _(
                "The balance cannot go below zero: it is %(points)s points and "
                "%(stamps)s stamps now."
            )
            % {"points": balance.points, "stamps": balance.stamps},
            details={"points": balance.points, "stamps": balance.stamps},
        )
    entry = LedgerEntry.objects.create(
        program=program, card=card, kind=LedgerEntry.Kind.CORRECTION, points=points,
        stamps=stamps, reason=reason[:200], actor_kind=actor.kind, actor_id=actor.id,
        at=timezone.now(),
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.LEDGER_CORRECT,
        subject_id=card.holder.public_id if card.holder else None, purpose=reason,
        context={"program": str(program.public_id), "merchant": str(program.merchant.public_id),
                 "card": str(card.public_id), "points": points, "stamps": stamps},
    )  # fmt: skip
    return entry
