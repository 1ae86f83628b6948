"""Cards: issuing, first use, registration by the holder, blocking and replacement."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.cards import events, identifiers
from kliento.cards.identifiers import Scanned
from kliento.cards.models import Card, CardBatch, CardChange, CardIssuer
from kliento.common import crypto
from kliento.common.errors import DomainError, ErrorCode
from kliento.register.models import Subject

CHANGE_CODE_VALIDITY = timedelta(days=14)
_KIND_BY_SCAN = {"kliento": Card.Kind.KLIENTO, "contactless": Card.Kind.CONTACTLESS}


def card_lookup(kind: str, value: str) -> bytes:
    """The blind index of a normalised card identifier."""
    return crypto.blind_index(f"card:{kind}", value)


def _code_hash(scope: str, code: str) -> bytes:
    return crypto.blind_index(scope, identifiers.normalise_code(code))


def _issuer(kind: str) -> CardIssuer:
    # Kliento issues its own cards and the phone QR; contactless cards come from others.
    issuer_kind = (
        CardIssuer.Kind.TRAVEL if kind == Card.Kind.CONTACTLESS else CardIssuer.Kind.KLIENTO
    )
    name = "Kliento Oy" if issuer_kind == CardIssuer.Kind.KLIENTO else "Contactless card issuers"
    # Staff may add more issuers of a kind (decision 0018): the oldest is the default.
    existing = CardIssuer.objects.filter(kind=issuer_kind, merchant=None).order_by("pk").first()
    return existing or CardIssuer.objects.create(kind=issuer_kind, name=name)


def _new_card(*, kind: str, value: str, holder: Subject | None) -> tuple[Card, str]:
    """Create a card with its own data key; returns it and its registration code."""
    card = Card(kind=kind, issuer=_issuer(kind), lookup=card_lookup(kind, value), holder=holder)
    data_key = crypto.new_data_key()
    card.kek_id, card.wrapped_key = crypto.wrap_data_key(data_key, owner=f"card:{card.public_id}")
    card.identifier_ct = crypto.seal(data_key, value.encode(), f"card:{card.public_id}".encode())
    code = identifiers.new_code()
    card.registration_code_hash = _code_hash(f"card-registration:{card.public_id}", code)
    if holder is not None:
        card.registered_at = timezone.now()
    card.save(force_insert=True)
    return card, code


def card_identifier(card: Card) -> str:
    """The card's identifier in plaintext (for its holder and for staff in role)."""
    data_key = crypto.unwrap_data_key(
        bytes(card.wrapped_key), owner=f"card:{card.public_id}", kek_id=card.kek_id
    )
    return crypto.open_sealed(
        data_key, bytes(card.identifier_ct), f"card:{card.public_id}".encode()
    ).decode()


def card_masked(card: Card) -> str:
    """A card as people recognise it without revealing it: kind and last four."""
    if card.kind == Card.Kind.PHONE:
        return _("Phone QR code")
    return "•••• " + card_identifier(card)[-4:]


def card_batch_refusal(card: Card, batch_state: str | None) -> DomainError | None:
    """Why a card printed in a batch may not be used now, or None: a batch's cards wait
    for its activation, and a voided batch's cards work only for whoever registered them."""
    if batch_state is None or batch_state == CardBatch.State.ACTIVE:
        return None
    if batch_state == CardBatch.State.VOIDED and card.holder_id is not None:
        return None
    message = (
        _("This card has not been activated yet. Use another card.")
        if batch_state == CardBatch.State.CREATED
        else _("This card has been withdrawn from use. Use another card.")
    )
    return DomainError(
        ErrorCode.CARD_BATCH_INACTIVE, message, details={"batch_state": str(batch_state)}
    )


@dataclass(frozen=True)
class FoundCard:
    card: Card
    created: bool
    registration_code: str | None


def card_for_scan(scanned: Scanned, *, create: bool) -> FoundCard:
    """The card a scan names. A first scan of a well-formed Kliento number or contactless
    UID creates an unregistered card (its registration code is returned once); a phone
    QR names its card directly. Blocked cards are refused."""
    # The batch's state comes along in the same query (a column, not the batch row with
    # its sealed secret): check-in is the hot path.
    cards = Card.objects.select_related("holder").annotate(batch_state=F("batch__state"))
    if scanned.card_id is not None:
        card = cards.filter(public_id=scanned.card_id).first()
        found = None if card is None else FoundCard(card, False, None)
    else:
        kind = _KIND_BY_SCAN[scanned.kind]
        lookup = card_lookup(kind, scanned.value)
        card = cards.filter(lookup=lookup).first()
        found = None if card is None else FoundCard(card, False, None)
        if found is None and create:
            try:
                with transaction.atomic():
                    new_card, code = _new_card(kind=kind, value=scanned.value, holder=None)
                found = FoundCard(new_card, True, code)
            except IntegrityError:  # created by a concurrent first scan
                card = cards.get(lookup=lookup)
                found = FoundCard(card, False, None)
    if found is None:
        raise DomainError(ErrorCode.CARD_UNKNOWN, _("This card is not known to Kliento."))
    if found.card.status != Card.Status.ACTIVE:
        raise DomainError(ErrorCode.CARD_BLOCKED, _("This card is blocked and cannot be used."))
    refusal = card_batch_refusal(found.card, getattr(found.card, "batch_state", None))
    if refusal is not None:
        raise refusal
    return found


@transaction.atomic
def card_issue_kliento(*, actor: Actor, holder: Subject | None = None) -> tuple[Card, str, str]:
    """Issue a new Kliento card number. Returns (card, number, registration code)."""
    require_actor(actor)
    number = identifiers.new_kliento_number()
    card, code = _new_card(kind=Card.Kind.KLIENTO, value=number, holder=holder)
    audit_record(
        actor=actor, action=AuditAction.CARD_ISSUE,
        subject_id=holder.public_id if holder else None, context={"card": str(card.public_id)},
    )  # fmt: skip
    return card, number, code


@transaction.atomic
def phone_card_of(*, subject: Subject, actor: Actor) -> Card:
    """The person's phone QR card, created on first use."""
    require_actor(actor)
    card = subject.cards.filter(kind=Card.Kind.PHONE, status=Card.Status.ACTIVE).first()
    if card is None:
        card, _code = _new_card(
            kind=Card.Kind.PHONE, value=f"phone:{subject.public_id}", holder=subject
        )
        audit_record(
            actor=actor,
            action=AuditAction.CARD_ISSUE,
            subject_id=subject.public_id,
            context={"card": str(card.public_id)},
        )
    return card


@transaction.atomic
def card_register(*, subject: Subject, card_number: str, code: str, actor: Actor) -> Card:
    """Take a card into use with its registration code; its history becomes the person's."""
    require_actor(actor)
    scanned = identifiers.parse(card_number)
    if scanned.card_id is not None:
        raise DomainError(ErrorCode.CARD_INVALID, _("Enter the number printed on the card."))
    card = (
        Card.objects.select_for_update()
        .filter(lookup=card_lookup(_KIND_BY_SCAN[scanned.kind], scanned.value))
        .first()
    )
    expected = None if card is None else _code_hash(f"card-registration:{card.public_id}", code)
    if (
        card is None
        or card.registration_code_hash is None
        or bytes(card.registration_code_hash) != expected
    ):
        raise DomainError(ErrorCode.CODE_INVALID, _("The card number or the code is not right."))
    if card.holder_id is not None and card.holder_id != subject.pk:
        raise DomainError(ErrorCode.CODE_INVALID, _("The card number or the code is not right."))
    if card.status != Card.Status.ACTIVE:
        raise DomainError(ErrorCode.CARD_BLOCKED, _("This card is blocked and cannot be used."))
    batch_state = (
        None
        if card.batch_id is None
        else CardBatch.objects.filter(pk=card.batch_id).values_list("state", flat=True).first()
    )
    refusal = card_batch_refusal(card, batch_state)
    if refusal is not None:
        raise refusal
    card.holder = subject
    card.registered_at = timezone.now()
    card.registration_code_hash = None  # single use
    card.save(update_fields=["holder", "registered_at", "registration_code_hash"])
    audit_record(
        actor=actor,
        action=AuditAction.CARD_REGISTER,
        subject_id=subject.public_id,
        context={"card": str(card.public_id)},
    )
    events.notify_card_registered(card=card, subject=subject, actor=actor)
    return card


@transaction.atomic
def card_block(*, card: Card, actor: Actor, reason: str) -> Card:
    """Block a lost card: it checks in nowhere from now on."""
    require_actor(actor)
    if card.kind == Card.Kind.PHONE:
        raise DomainError(
            ErrorCode.CARD_NOT_BLOCKABLE,
            _("The phone QR code cannot be blocked: each code expires within a minute."),
        )
    updated = Card.objects.filter(pk=card.pk, status=Card.Status.ACTIVE).update(
        status=Card.Status.BLOCKED, blocked_at=timezone.now()
    )
    if not updated:
        raise DomainError(ErrorCode.CARD_NOT_ACTIVE, _("This card is not in use any more."))
    card.refresh_from_db()
    audit_record(
        actor=actor, action=AuditAction.CARD_BLOCK,
        subject_id=card.holder.public_id if card.holder else None,
        purpose=reason, context={"card": str(card.public_id)},
    )  # fmt: skip
    return card


@transaction.atomic
def card_change_start(*, new_card_input: str, actor: Actor) -> tuple[CardChange, str]:
    """At a merchant: scan the new card and hand the person a change code."""
    require_actor(actor)
    found = card_for_scan(identifiers.parse(new_card_input), create=True)
    if found.card.holder_id is not None:
        raise DomainError(
            ErrorCode.CARD_ALREADY_LINKED, _("This card is already registered to someone.")
        )
    code = identifiers.new_code()
    change = CardChange.objects.create(
        new_card=found.card,
        code_hash=_code_hash("card-change", code),
        expires_at=timezone.now() + CHANGE_CODE_VALIDITY,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CARD_CHANGE_START,
        context={"card": str(found.card.public_id)},
    )
    return change, code


@transaction.atomic
def card_change_complete(*, subject: Subject, old_card: Card, code: str, actor: Actor) -> Card:
    """The person enters the change code: the new card replaces ``old_card``. History and
    benefits stay the person's, because they follow the holder, not the card."""
    require_actor(actor)
    if old_card.holder_id != subject.pk:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    change = (
        CardChange.objects.select_for_update()
        .filter(code_hash=_code_hash("card-change", code), used_at__isnull=True)
        .select_related("new_card")
        .first()
    )
    if change is None or change.expires_at < timezone.now():
        raise DomainError(ErrorCode.CODE_INVALID, _("The change code is not valid."))
    new_card = change.new_card
    if new_card.holder_id is not None or new_card.status != Card.Status.ACTIVE:
        raise DomainError(ErrorCode.CODE_INVALID, _("The change code is not valid."))
    # Lock both cards in a fixed order (by pk) so concurrent changes cannot deadlock.
    list(Card.objects.select_for_update().filter(pk__in=[old_card.pk, new_card.pk]).order_by("pk"))
    now = timezone.now()
    Card.objects.filter(pk=new_card.pk).update(
        holder=subject, registered_at=now, registration_code_hash=None
    )
    Card.objects.filter(pk=old_card.pk).update(status=Card.Status.REPLACED, blocked_at=now)
    change.used_at = now
    change.save(update_fields=["used_at"])
    audit_record(
        actor=actor, action=AuditAction.CARD_CHANGE, subject_id=subject.public_id,
        context={"old": str(old_card.public_id), "new": str(new_card.public_id)},
    )  # fmt: skip
    new_card.refresh_from_db()
    events.notify_card_registered(card=new_card, subject=subject, actor=actor)
    return new_card


@transaction.atomic
def card_unblock(*, card: Card, actor: Actor, reason: str) -> Card:
    """Take a blocked card back into use (found again, blocked by mistake). A replaced
    card stays replaced: its successor carries the account now."""
    require_actor(actor)
    if not reason.strip():
        raise DomainError(
            ErrorCode.REASON_REQUIRED,
            _("Give a reason for unblocking the card."),
            details={"field": "reason"},
        )
    updated = Card.objects.filter(pk=card.pk, status=Card.Status.BLOCKED).update(
        status=Card.Status.ACTIVE, blocked_at=None
    )
    if not updated:
        raise DomainError(ErrorCode.CARD_NOT_BLOCKED, _("This card is not blocked."))
    card.refresh_from_db()
    audit_record(
        actor=actor, action=AuditAction.CARD_UNBLOCK,
        subject_id=card.holder.public_id if card.holder else None,
        purpose=reason.strip(), context={"card": str(card.public_id)},
    )  # fmt: skip
    return card


def _verified_login_email(subject: Subject) -> str:
    user = subject.user
    if (
        user is None
        or not EmailAddress.objects.filter(
            user=user, email__iexact=user.email, verified=True
        ).exists()
    ):
        raise DomainError(
            ErrorCode.EMAIL_NOT_VERIFIED,
            _("The person has no verified login e-mail address to send the code to."),
        )
    return user.email


@transaction.atomic
def card_change_code_send(*, subject: Subject, actor: Actor, reason: str) -> CardChange:
    """Customer service replaces a person's card from a distance: a new Kliento card
    number and its change code go by e-mail to the person's verified login address, never
    to the screen; the person enters the code on their "Replace a card" page."""
    require_actor(actor)
    if not reason.strip():
        raise DomainError(
            ErrorCode.REASON_REQUIRED,
            _("Give a reason for sending a card change code."),
            details={"field": "reason"},
        )
    address = _verified_login_email(subject)
    number = identifiers.new_kliento_number()
    new_card, _registration = _new_card(kind=Card.Kind.KLIENTO, value=number, holder=None)
    code = identifiers.new_code()
    change = CardChange.objects.create(
        new_card=new_card,
        code_hash=_code_hash("card-change", code),
        expires_at=timezone.now() + CHANGE_CODE_VALIDITY,
    )
    audit_record(
        actor=actor, action=AuditAction.CARD_CHANGE_CODE_SEND, subject_id=subject.public_id,
        purpose=reason.strip(), context={"card": str(new_card.public_id)},
    )  # fmt: skip
    user = subject.user
    with translation.override(user.language if user is not None else "fi"):  # theirs
        body = _(
            "Kliento customer service has issued you a new card number: %(number)s.\n\n"
            "To move your visits and benefits to it, sign in, open Cards, choose "
            '"Replace a card" and enter this change code: %(code)s\n\n'
            "The code is valid for %(days)s days. If you did not ask for a new card, "
            "contact Kliento customer service."
        ) % {
            "number": identifiers.format_kliento_number(number),
            "code": code,
            "days": CHANGE_CODE_VALIDITY.days,
        }
        title = _("Your Kliento card change code")
    transaction.on_commit(lambda: send_mail(title, body, None, [address]))
    return change


def code_digest(code: str) -> str:
    """A short fingerprint of a code for logs (never the code)."""
    return hashlib.sha256(code.encode()).hexdigest()[:8]
