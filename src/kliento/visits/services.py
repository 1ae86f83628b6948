"""Check-in, redemption and reversal: the merchant's daily path."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.models import ActorKind
from kliento.audit.services import audit_record
from kliento.cards import identifiers
from kliento.cards.models import Card
from kliento.cards.services import FoundCard, card_for_scan
from kliento.common.errors import DomainError, ErrorCode
from kliento.merchants.models import Membership, Merchant, Premises, Terminal
from kliento.merchants.services import require_active, require_manager
from kliento.register.selectors import is_restricted
from kliento.visits import loyalty, rules
from kliento.visits.holders import holder_shared
from kliento.visits.models import LedgerEntry, LoyaltyProgram, Reward, Visit


@dataclass
class CheckIn:
    """What a check-in did, for the terminal's or cashier's screen."""

    visit: Visit
    card: Card
    registration_code: str | None
    programs: list[LoyaltyProgram]
    balances: dict[int, loyalty.Balance]
    earned: dict[int, loyalty.Earned]
    rewards: list[Reward]
    redeemed: Reward | None = None
    replayed: bool = False
    customer: dict[str, Any] = field(default_factory=dict)


def _request_hash(card: str, amount_cents: int | None, redeem: UUID | None) -> bytes:
    body = json.dumps([card.strip(), amount_cents, str(redeem) if redeem else None])
    return hashlib.sha256(body.encode()).digest()


def _state(visit: Visit, card: Card, *, code: str | None, earned: dict[int, loyalty.Earned],
           redeemed: Reward | None, replayed: bool) -> CheckIn:  # fmt: skip
    programs = list(
        LoyaltyProgram.objects.filter(merchant_id=visit.merchant_id, is_active=True).order_by("pk")
    )
    ids = [p.pk for p in programs]
    card_ids = loyalty.account_card_ids(card)
    return CheckIn(
        visit=visit, card=card, registration_code=code, programs=programs,
        balances=loyalty.balances(ids, card_ids), earned=earned,
        rewards=loyalty.available_rewards(ids, card_ids), redeemed=redeemed, replayed=replayed,
    )  # fmt: skip


def checkin_record(
    *,
    premises: Premises,
    card_input: str,
    actor: Actor,
    amount_cents: int | None = None,
    idempotency_key: str = "",
    redeem_reward: UUID | None = None,
    terminal: Terminal | None = None,
) -> CheckIn:
    """Record a visit for the card scanned at ``premises`` and apply loyalty.

    In one transaction: the visit, ledger entries, a redemption if asked for, and the
    audit entry. The same idempotency key at the same merchant never records two
    visits; reusing it with a different body is a conflict.
    """
    require_actor(actor)
    merchant: Merchant = premises.merchant
    require_active(merchant)
    if not premises.is_open:
        raise DomainError(ErrorCode.PREMISES_CLOSED, _("These premises are closed for check-ins."))
    if amount_cents is not None and not 0 <= amount_cents <= 10_000_000:
        raise DomainError(ErrorCode.VALUE_INVALID, _("The amount is not valid."))
    scanned = identifiers.parse(card_input)
    request_hash = _request_hash(card_input, amount_cents, redeem_reward)
    if idempotency_key:
        replay = _replay(merchant, idempotency_key, request_hash)
        if replay is not None:
            return replay
    try:
        with transaction.atomic():
            return _record(
                premises=premises, scanned=scanned, actor=actor, amount_cents=amount_cents,
                idempotency_key=idempotency_key, request_hash=request_hash,
                redeem_reward=redeem_reward, terminal=terminal,
            )  # fmt: skip
    except IntegrityError:
        # A concurrent request with the same idempotency key won the race.
        replay = _replay(merchant, idempotency_key, request_hash) if idempotency_key else None
        if replay is None:
            raise
        return replay


def _replay(merchant: Merchant, key: str, request_hash: bytes) -> CheckIn | None:
    visit = (
        Visit.objects.filter(merchant=merchant, idempotency_key=key).select_related("card").first()
    )
    if visit is None:
        return None
    if bytes(visit.request_hash or b"") != request_hash:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_CONFLICT,
            _("This idempotency key was used for a different check-in."),
        )
    if visit.card is None:  # the card was erased since: the replay cannot be rebuilt
        raise DomainError(ErrorCode.CARD_ERASED, _("This check-in can no longer be replayed."))
    return _state(visit, visit.card, code=None, earned={}, redeemed=None, replayed=True)


def _record(
    *,
    premises: Premises,
    scanned: identifiers.Scanned,
    actor: Actor,
    amount_cents: int | None,
    idempotency_key: str,
    request_hash: bytes,
    redeem_reward: UUID | None,
    terminal: Terminal | None,
) -> CheckIn:
    found: FoundCard = card_for_scan(scanned, create=True)
    card = found.card
    if card.holder_id is not None and is_restricted(card.holder_id):
        # GDPR art. 18: the holder's data may only be stored, so no visit is recorded.
        raise DomainError(
            ErrorCode.PROCESSING_RESTRICTED,
            _("This card's holder has restricted the use of their data: no check-in."),
        )
    card_ids = loyalty.account_card_ids(card, lock=True)
    now = timezone.now()
    visit = Visit.objects.create(
        merchant_id=premises.merchant_id, premises=premises, card=card, terminal=terminal,
        cashier=actor.user if actor.kind == ActorKind.MERCHANT_STAFF else None,
        amount_cents=amount_cents, at=now, idempotency_key=idempotency_key,
        request_hash=request_hash,
    )  # fmt: skip
    Card.objects.filter(pk=card.pk).update(last_used_at=now)
    programs = list(
        LoyaltyProgram.objects.filter(merchant_id=premises.merchant_id, is_active=True).order_by(
            "pk"
        )
    )
    ids = [p.pk for p in programs]
    balances = loyalty.balances(ids, card_ids)
    earned = {
        p.pk: loyalty.earn(
            program=p,
            card=card,
            card_ids=card_ids,
            balance=balances[p.pk],
            visit=visit,
            actor=actor,
        )
        for p in programs
    }
    redeemed = None
    if redeem_reward is not None:
        reward = (
            Reward.objects.select_for_update()
            .filter(public_id=redeem_reward, card_id__in=card_ids)
            .first()
        )
        redeemed = _redeem(
            reward=reward, merchant_id=premises.merchant_id, visit=visit, actor=actor
        )
    # The audit entry takes the audit chain's lock, held until commit and shared by every
    # check-in: do every other read first, so the lock is held as briefly as possible.
    rewards = loyalty.available_rewards(ids, card_ids)
    customer = (
        holder_shared(subject=card.holder, merchant=premises.merchant, actor=actor)
        if card.holder is not None
        else {}
    )
    audit_record(
        actor=actor,
        action=AuditAction.VISIT_RECORD,
        subject_id=card.holder.public_id if card.holder else None,
        context={"visit": str(visit.public_id), "premises": str(premises.public_id)},
    )
    return CheckIn(
        visit=visit, card=card, registration_code=found.registration_code, programs=programs,
        balances=balances, earned=earned, rewards=rewards, redeemed=redeemed, customer=customer,
    )  # fmt: skip


def _redeem(
    *, reward: Reward | None, merchant_id: int, visit: Visit | None, actor: Actor
) -> Reward:
    now = timezone.now()
    if reward is None or reward.program.merchant_id != merchant_id:
        raise DomainError(ErrorCode.REWARD_UNAVAILABLE, _("There is no such reward on this card."))
    if reward.status != Reward.Status.AVAILABLE or reward.expires_at <= now:
        raise DomainError(
            ErrorCode.REWARD_UNAVAILABLE, _("This reward has already been used or has expired.")
        )
    updated = Reward.objects.filter(pk=reward.pk, status=Reward.Status.AVAILABLE).update(
        status=Reward.Status.REDEEMED, redeemed_at=now, redeemed_visit=visit
    )
    if updated != 1:  # a concurrent redemption got there first
        raise DomainError(
            ErrorCode.REWARD_UNAVAILABLE, _("This reward has already been used or has expired.")
        )
    reward.refresh_from_db()
    audit_record(
        actor=actor, action=AuditAction.REWARD_REDEEM, context={"reward": str(reward.public_id)}
    )
    return reward


@transaction.atomic
def reward_redeem_by_code(*, merchant: Merchant, code: str, actor: Actor) -> Reward:
    """Redeem a reward by its single-use code, without a visit."""
    require_actor(actor)
    require_active(merchant)
    reward = (
        Reward.objects.select_for_update()
        .select_related("program")
        .filter(code_lookup=loyalty.reward_code_lookup(code))
        .first()
    )
    return _redeem(reward=reward, merchant_id=merchant.pk, visit=None, actor=actor)


@transaction.atomic
def points_claim_reward(*, program: LoyaltyProgram, card: Card, actor: Actor) -> Reward:
    """Turn the points a reward costs (the program's claim cost) into a reward. Refused
    when the account has too few points, also under concurrent claims: the account's
    cards are locked first."""
    require_actor(actor)
    require_active(program.merchant)
    cost = rules.claim_cost(program)
    if not cost:
        raise DomainError(ErrorCode.NO_POINTS_REWARDS, _("This program has no points rewards."))
    card_ids = loyalty.account_card_ids(card, lock=True)
    balance = loyalty.balances([program.pk], card_ids)[program.pk]
    if balance.points < cost:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            _("Not enough points for this reward."),
            details={"points": balance.points, "needed": cost},
        )
    now = timezone.now()
    reward = loyalty.issue_reward(program=program, card=card, now=now)
    LedgerEntry.objects.create(
        program=program, card=card, reward=reward, kind=LedgerEntry.Kind.REDEEM,
        points=-cost, reason="reward claimed", actor_kind=actor.kind,
        actor_id=actor.id, at=now,
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.REWARD_CLAIM,
        subject_id=card.holder.public_id if card.holder else None,
        context={"reward": str(reward.public_id)},
    )  # fmt: skip
    return reward


@transaction.atomic
def visit_reverse(*, visit: Visit, actor: Actor, reason: str) -> list[LedgerEntry]:
    """Undo the actor's own last check-in: reversal entries for its earnings and the
    reward it filled, if that is still unused."""
    require_actor(actor)
    if not reason.strip():
        raise DomainError(ErrorCode.REASON_REQUIRED, _("Give a reason for the reversal."))
    own = Visit.objects.filter(merchant_id=visit.merchant_id)
    if actor.kind == ActorKind.TERMINAL:
        own = own.filter(terminal__public_id=actor.id)
    else:
        own = own.filter(cashier=actor.user)
    last = own.order_by("-at", "-pk").first()
    if last is None or last.pk != visit.pk:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, _("You can reverse only your own last transaction.")
        )
    if visit.card is None:
        raise DomainError(ErrorCode.CARD_ERASED, _("This transaction can no longer be reversed."))
    card_ids = loyalty.account_card_ids(visit.card, lock=True)
    entries = list(
        LedgerEntry.objects.filter(visit=visit, reversed_by__isnull=True)
        .exclude(kind=LedgerEntry.Kind.REVERSE)
        .select_related("reward")
    )
    if not entries:
        raise DomainError(
            ErrorCode.ALREADY_REVERSED, _("This transaction has already been reversed.")
        )
    now = timezone.now()
    for entry in entries:
        if entry.reward is not None:
            voided = Reward.objects.filter(
                pk=entry.reward.pk, status=Reward.Status.AVAILABLE
            ).update(status=Reward.Status.VOID)
            if not voided:
                raise DomainError(
                    ErrorCode.REWARD_ALREADY_USED,
                    _("The reward from this visit has already been used."),
                )
    balance = loyalty.balances([e.program_id for e in entries], card_ids)
    for entry in entries:
        if balance[entry.program_id].points - entry.points < 0:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE, _("The points have already been spent.")
            )
    reversals = [
        LedgerEntry.objects.create(
            program_id=e.program_id,
            card_id=e.card_id,
            visit=visit,
            kind=LedgerEntry.Kind.REVERSE,
            points=-e.points,
            stamps=-e.stamps,
            reason=reason.strip()[:200],
            reverses=e,
            actor_kind=actor.kind,
            actor_id=actor.id,
            at=now,
        )
        for e in entries
    ]
    audit_record(
        actor=actor,
        action=AuditAction.VISIT_REVERSE,
        purpose=reason,
        context={"visit": str(visit.public_id)},
    )
    return reversals


@transaction.atomic
def rewards_expire(*, actor: Actor) -> int:
    """Mark rewards past their expiry as expired, with a ledger entry each."""
    require_actor(actor)
    now = timezone.now()
    expired = list(
        Reward.objects.select_for_update().filter(
            status=Reward.Status.AVAILABLE, expires_at__lte=now
        )
    )
    for reward in expired:
        Reward.objects.filter(pk=reward.pk).update(status=Reward.Status.EXPIRED)
        LedgerEntry.objects.create(
            program_id=reward.program_id, card_id=reward.card_id, reward=reward,
            kind=LedgerEntry.Kind.EXPIRE, reason="reward expired", actor_kind=actor.kind,
            actor_id=actor.id, at=now,
        )  # fmt: skip
    return len(expired)


@dataclass(frozen=True)
class ProgramTerms:
    """What a merchant sets for a loyalty program: its name, kind and reward, and the
    parameters of its rules by LoyaltyProgram field (see kliento.visits.rules)."""

    name: str
    kind: str
    reward_name: str
    reward_valid_days: int = 90
    params: dict[str, int] = field(default_factory=dict)


def _check_terms(terms: ProgramTerms) -> None:
    if terms.kind not in LoyaltyProgram.Kind.values:
        raise DomainError(ErrorCode.VALUE_INVALID, _("Unknown kind of program."))
    if not terms.name.strip() or not terms.reward_name.strip():
        raise DomainError(ErrorCode.VALUE_INVALID, _("Name the program and its reward."))
    if terms.reward_valid_days < 0 or any(n < 0 for n in terms.params.values()):
        raise DomainError(ErrorCode.VALUE_INVALID, _("Numbers cannot be negative."))
    if terms.reward_valid_days < 1:
        raise DomainError(ErrorCode.VALUE_INVALID, _("A reward must be valid for a day."))
    rules.validate(terms.kind, terms.params)


def _terms_fields(terms: ProgramTerms) -> dict[str, Any]:
    return {
        "name": terms.name.strip(), "kind": terms.kind, "reward_name": terms.reward_name.strip(),
        "reward_valid_days": terms.reward_valid_days, **terms.params,
    }  # fmt: skip


@transaction.atomic
def program_create(*, membership: Membership, terms: ProgramTerms, actor: Actor) -> LoyaltyProgram:
    """A new loyalty program for the member's merchant (owner or manager)."""
    require_actor(actor)
    require_manager(membership)
    require_active(membership.merchant)
    _check_terms(terms)
    program = LoyaltyProgram.objects.create(merchant=membership.merchant, **_terms_fields(terms))
    audit_record(
        actor=actor, action=AuditAction.PROGRAM_CREATE, context={"program": str(program.public_id)}
    )
    return program


@transaction.atomic
def program_update(
    *,
    membership: Membership,
    program: LoyaltyProgram,
    terms: ProgramTerms,
    is_active: bool,
    actor: Actor,
) -> LoyaltyProgram:
    """Change a program's terms; they apply from the next check-in on. The kind stays:
    the ledger of a points program cannot become stamps."""
    require_actor(actor)
    require_manager(membership)
    require_active(membership.merchant)
    if program.merchant_id != membership.merchant_id:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    if terms.kind != program.kind:
        raise DomainError(ErrorCode.VALUE_INVALID, _("A program's kind cannot change."))
    _check_terms(terms)
    fields = _terms_fields(terms)
    for name, value in fields.items():
        setattr(program, name, value)
    program.is_active = is_active
    program.save(update_fields=[*fields, "is_active"])
    audit_record(
        actor=actor, action=AuditAction.PROGRAM_UPDATE, context={"program": str(program.public_id)}
    )
    return program
