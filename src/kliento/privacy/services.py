"""Cancelling an account: crypto-shredding, set-based erasure, the erasure journal.

Every step is a bounded number of set-based statements (UPDATE/DELETE ... WHERE), so
the time to erase a person does not grow with their history.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kliento.accounts.models import User
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.cards.models import Card, CardChange, CardIssuer
from kliento.common import crypto
from kliento.common.errors import DomainError, ErrorCode
from kliento.privacy.export import sections, stream_json
from kliento.privacy.models import ErasureJournal
from kliento.register import changes
from kliento.register.models import ProfileValue, Subject
from kliento.register.services import subject_key_destroy
from kliento.sharing.models import Grant, Relationship
from kliento.visits.models import LedgerEntry, Reward, Visit

ERASED_CARD_LOOKUP_KIND = "card:erased"


def export_open(
    *, subject: Subject, actor: Actor, purpose: str = "", ticket: str = ""
) -> Iterator[str]:
    """The subject's export as streamed JSON text. Free and unlimited for the person;
    anyone else (staff answering a request) must give a purpose, and one audit entry
    records their read before any of it is produced."""
    require_actor(actor)
    if subject.erased_at is not None:
        raise DomainError(ErrorCode.NOT_FOUND, _("This person's data has been erased."))
    if not actor.is_user(subject.user):
        if not purpose.strip():
            raise DomainError(ErrorCode.REASON_REQUIRED, _("State the purpose of this access."))
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="export.read",
                subject_id=subject.public_id,
                items=sorted({key for section in sections() for key in section.items}),
                purpose=purpose,
                ticket=ticket,
            )
    return stream_json(subject)


def subject_hash(public_id: UUID | str) -> str:
    """The journal's name for a subject: a keyed hash of its public id (hex)."""
    return crypto.blind_index("erasure-journal", str(public_id)).hex()


def recipients_notify_erasure(*, subject: Subject, actor: Actor) -> int:
    """Tell every recipient that received this person's data (card issuers, partners,
    processors) to erase it, through the disclosures' signed webhook outbox. Called by
    :func:`account_cancel` inside its transaction, before any row is erased, so the
    disclosures of ``subject`` can still be read. Returns how many were told."""
    return changes.notify_erasure(subject=subject, actor=actor)


def _erased_lookup() -> bytes:
    return crypto.blind_index(ERASED_CARD_LOOKUP_KIND, "erased")


def _erased_card() -> Card:
    """The one anonymous, blocked card that erased people's loyalty rows are moved to:
    the merchants' loyalty statistics keep their sums, and nothing links them to anyone."""
    lookup = _erased_lookup()
    card = Card.objects.filter(lookup=lookup).first()
    if card is not None:
        return card
    issuer, _created = CardIssuer.objects.get_or_create(
        kind=CardIssuer.Kind.KLIENTO, merchant=None, defaults={"name": "Kliento Oy"}
    )
    return Card.objects.create(
        kind=Card.Kind.KLIENTO,
        issuer=issuer,
        lookup=lookup,
        identifier_ct=b"",
        kek_id="",
        wrapped_key=b"",
        status=Card.Status.BLOCKED,
        blocked_at=timezone.now(),
    )


def _cards_release(subject: Subject) -> list[int]:
    """Release the person's cards: no holder, no identifier (ciphertext, key and
    registration code gone), a random blind index (a later scan of the same physical
    card meets a new, unregistered card), blocked. Unused rewards are cancelled.
    Bounded by the number of cards, not by their history. Returns the cards' pks."""
    card_ids = list(Card.objects.filter(holder=subject).order_by("pk").values_list("pk", flat=True))
    if not card_ids:
        return []
    now = timezone.now()
    for card_id in card_ids:  # a handful of cards; each needs its own random lookup
        Card.objects.filter(pk=card_id).update(
            holder=None,
            lookup=os.urandom(32),
            identifier_ct=b"",
            kek_id="",
            wrapped_key=b"",
            registration_code_hash=None,
            status=Card.Status.BLOCKED,
            blocked_at=now,
        )
    Reward.objects.filter(card_id__in=card_ids, status=Reward.Status.AVAILABLE).update(
        status=Reward.Status.VOID
    )
    CardChange.objects.filter(new_card_id__in=card_ids).delete()
    return card_ids


def cards_detach(*, card_ids: list[int], batch_size: int = 5000) -> int:
    """Finish the anonymisation of released cards: their visits lose the card (merchant,
    premises, time and amount stay), their ledger entries and rewards move to the one
    shared erased card (the loyalty sums stay), and the card rows are deleted. Runs in
    batches, each its own transaction; safe to run again. Returns the visits detached."""
    cards = Card.objects.filter(pk__in=card_ids, holder__isnull=True)
    ids = list(cards.values_list("pk", flat=True))
    if not ids:
        return 0
    detached = 0
    while True:
        with transaction.atomic():
            batch = list(
                Visit.objects.filter(card_id__in=ids).values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                break
            detached += Visit.objects.filter(pk__in=batch).update(card=None)
    with transaction.atomic():
        erased = _erased_card()
        LedgerEntry.objects.filter(card_id__in=ids).update(card=erased)
        Reward.objects.filter(card_id__in=ids).update(card=erased)
        Card.objects.filter(pk__in=ids, holder__isnull=True).delete()
    return detached


@task()
def erased_cards_detach(card_ids: list[int]) -> int:
    """Background step of a cancellation: :func:`cards_detach`."""
    return cards_detach(card_ids=card_ids)


def _erase_rows(subject: Subject, *, actor: Actor) -> None:
    """Delete or anonymise every row of ``subject``, set-based. Idempotent."""
    for section in sections():
        if section.erase is not None:
            section.erase(subject)
    subject_key_destroy(subject=subject, actor=actor)
    ProfileValue.objects.filter(subject=subject).delete()
    Grant.objects.filter(subject=subject).delete()
    Relationship.objects.filter(subject=subject).delete()

    released = _cards_release(subject)
    if released:
        # The history rows are detached in batches after commit, so this transaction
        # stays the same size however long the person's history is.
        transaction.on_commit(lambda: erased_cards_detach.enqueue(card_ids=released))

    user_id = subject.user_id
    Subject.objects.filter(pk=subject.pk).update(user=None, erased_at=timezone.now())
    if user_id is not None:
        # The login e-mail (the one plaintext value), tokens, e-mail addresses and
        # two-step verification devices go with the login.
        User.objects.filter(pk=user_id).delete()
    subject.refresh_from_db()


@dataclass(frozen=True)
class Cancelled:
    subject_id: UUID
    recipients_told: int


@transaction.atomic
def account_cancel(*, subject: Subject, actor: Actor) -> Cancelled:
    """End the customership: tell recipients, destroy the data key, delete or anonymise
    every row, release the cards, delete the login, and journal the erasure so that a
    restored backup is erased again (``kliento privacy replay-erasures``)."""
    require_actor(actor)
    locked = Subject.objects.select_for_update().filter(pk=subject.pk).first()
    if locked is None or locked.erased_at is not None:
        raise DomainError(ErrorCode.NOT_FOUND, _("This account has already been cancelled."))
    told = recipients_notify_erasure(subject=locked, actor=actor)
    audit_record(
        actor=actor,
        action="account.cancel",
        subject_id=locked.public_id,
        context={"recipients_told": told},
    )
    _erase_rows(locked, actor=actor)
    ErasureJournal.objects.get_or_create(
        subject_hash=subject_hash(locked.public_id),
        defaults={"erased_at": locked.erased_at or timezone.now()},
    )
    return Cancelled(locked.public_id, told)


def _needs_erasure(subject: Subject) -> bool:
    return (
        subject.erased_at is None
        or subject.user_id is not None
        or hasattr(subject, "data_key")
        or ProfileValue.objects.filter(subject=subject).exists()
        or Card.objects.filter(holder=subject).exists()
        or Grant.objects.filter(subject=subject).exists()
        or Relationship.objects.filter(subject=subject).exists()
    )


@dataclass(frozen=True)
class JournalLine:
    subject_hash: str
    erased_at: str


def journal_merge(lines: Iterable[JournalLine]) -> int:
    """Add journal entries kept outside the database (``kliento privacy erasure-journal``
    writes them) that a restored database lacks. Returns how many were added."""
    added = 0
    for line in lines:
        _entry, created = ErasureJournal.objects.get_or_create(
            subject_hash=line.subject_hash, defaults={"erased_at": line.erased_at}
        )
        added += int(created)
    return added


def erasures_replay(*, actor: Actor, batch_size: int = 2000) -> list[UUID]:
    """Erase again every subject named in the journal that holds data again (after a
    backup was restored). Returns the public ids of the subjects erased again."""
    require_actor(actor)
    journal = set(ErasureJournal.objects.values_list("subject_hash", flat=True))
    if not journal:
        return []
    matched = [
        pk
        for pk, public_id in Subject.objects.values_list("pk", "public_id").iterator(
            chunk_size=batch_size
        )
        if subject_hash(public_id) in journal
    ]
    replayed: list[UUID] = []
    for pk in matched:
        with transaction.atomic():
            subject = Subject.objects.select_for_update().get(pk=pk)
            if not _needs_erasure(subject):
                continue
            audit_record(actor=actor, action="account.erase_replay", subject_id=subject.public_id)
            _erase_rows(subject, actor=actor)
            replayed.append(subject.public_id)
    # Released cards whose background detachment never ran (or a restore brought back).
    leftover = list(
        Card.objects.filter(holder__isnull=True, status=Card.Status.BLOCKED, kek_id="")
        .exclude(lookup=_erased_lookup())
        .values_list("pk", flat=True)
    )
    if leftover:
        cards_detach(card_ids=leftover)
    return replayed
