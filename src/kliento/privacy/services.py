"""Cancelling an account: crypto-shredding, set-based erasure, the erasure journal.

Every step is a bounded number of set-based statements (UPDATE/DELETE ... WHERE), so
the time to erase a person does not grow with their history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.cards.models import Card
from kliento.common import crypto
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.personal_data import ERASE_KEY_DESTROYED, erasure_sequence
from kliento.privacy.export import sections, stream_json
from kliento.privacy.models import ErasureJournal
from kliento.register import changes
from kliento.register.models import ProfileValue, Subject
from kliento.register.services import subject_key_destroy
from kliento.sharing.models import Grant, Relationship
from kliento.visits.personal_data import (  # noqa: F401 (moved there; kept importable)
    ERASED_CARD_LOOKUP_KIND,
    cards_detach,
    erased_cards_detach,
    leftover_cards_detach,
)


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
                action=AuditAction.EXPORT_READ,
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


def _erase_rows(subject: Subject, *, actor: Actor) -> None:
    """Delete or anonymise every row of ``subject``, set-based. Idempotent.

    Every section's ``erase`` runs, in ``erase_order`` (kliento.common.personal_data):
    the person's rows in other apps first, then the data key is destroyed (audited, by
    ``actor``) and what was sealed under it deleted, then grants and relationships, the
    cards' history (detached in batches after commit), the cards released, the login;
    last the subject is marked erased."""
    key_destroyed = False
    for section in erasure_sequence():
        if not key_destroyed and section.erase_order >= ERASE_KEY_DESTROYED:
            subject_key_destroy(subject=subject, actor=actor)
            key_destroyed = True
        assert section.erase is not None  # noqa: S101 (erasure_sequence gives only these)
        section.erase(subject)
    if not key_destroyed:
        subject_key_destroy(subject=subject, actor=actor)
    Subject.objects.filter(pk=subject.pk).update(user=None, erased_at=timezone.now())
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
        action=AuditAction.ACCOUNT_CANCEL,
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
            audit_record(
                actor=actor, action=AuditAction.ACCOUNT_ERASE_REPLAY, subject_id=subject.public_id
            )
            _erase_rows(subject, actor=actor)
            replayed.append(subject.public_id)
    # Released cards whose background detachment never ran (or a restore brought back).
    leftover_cards_detach()
    return replayed
