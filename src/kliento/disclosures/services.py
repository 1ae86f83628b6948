"""Registering recipients, recording disclosures and queueing the webhooks that tell
recipients about disclosures, corrections and erasures.

Every write runs in one transaction with its audit entry and its outbox messages, so a
disclosure is never recorded without its message, and vice versa. Audit actions under
``disclosure.`` appear in the person's Activity (sharing/activity.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.accounts.roles import StaffRole
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.models import ActorKind
from kliento.audit.services import audit_record
from kliento.cards.models import Card, CardIssuer
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent.purposes import PURPOSES
from kliento.consent.selectors import has_consent
from kliento.disclosures import outbox
from kliento.disclosures.models import Disclosure, OutboxMessage, Recipient
from kliento.register import catalogue
from kliento.register.catalogue import LegalBasis, Purpose
from kliento.register.models import ProfileValue, Subject
from kliento.register.selectors import is_restricted

RECIPIENT_ROLES = frozenset({StaffRole.ADMINISTRATOR.value, StaffRole.PRIVACY_OFFICER.value})
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# The audit action recorded when recipients are told of a correction or an erasure.
NOTICE_ACTIONS: dict[str, AuditAction] = {
    OutboxMessage.Event.CORRECTION: AuditAction.DISCLOSURE_CORRECTION,
    OutboxMessage.Event.ERASURE: AuditAction.DISCLOSURE_ERASURE,
}


def _invalid(message: object, **details: object) -> DomainError:
    return DomainError(ErrorCode.VALUE_INVALID, message, details=dict(details))  # type: ignore[arg-type]


DISCLOSURE_REVIEW_ROLES = frozenset(
    {StaffRole.PRIVACY_OFFICER.value, StaffRole.CUSTOMER_SERVICE.value}
)


def _require_recipient_staff(actor: Actor) -> None:
    if actor.kind != ActorKind.STAFF or actor.role not in RECIPIENT_ROLES:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            _("Only an administrator or the privacy officer registers recipients."),
        )


def _check_webhook_url(url: str) -> str:
    parts = urlsplit(url.strip())
    # Plain http only to this machine (a local relay or a test receiver): personal data
    # references never cross a network unencrypted.
    if parts.scheme == "https" and parts.hostname:
        return url.strip()
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return url.strip()
    raise _invalid(_("The webhook address must start with https://."), field="webhook_url")


def _check_declaration(
    *, kind: str, items: Iterable[str], purposes: Iterable[str]
) -> tuple[list[str], list[str]]:
    item_keys = sorted({catalogue.get(key).key for key in items})
    if not item_keys:
        raise _invalid(_("Choose at least one data item."), field="items")
    special = [k for k in item_keys if catalogue.BY_KEY[k].special_category]
    if special and kind != Recipient.Kind.PROCESSOR:
        raise _invalid(
            _("Health data is never given to card issuers or partners."),
            field="items", items=special,
        )  # fmt: skip
    known = {p.value for p in Purpose}
    purpose_keys = sorted(set(purposes))
    unknown = [p for p in purpose_keys if p not in known]
    if unknown or not purpose_keys:
        raise _invalid(_("Choose one or more of the declared purposes."), field="purposes")
    return item_keys, purpose_keys


def _seal_secret(recipient: Recipient, secret: str) -> None:
    recipient.secret_kek_id, recipient.secret_sealed = outbox.seal_secret(
        secret, recipient_id=str(recipient.public_id)
    )


@transaction.atomic
def recipient_create(
    *,
    kind: str,
    name: str,
    webhook_url: str,
    items: Iterable[str],
    purposes: Iterable[str],
    card_issuer: CardIssuer | None = None,
    consent_purpose: str = "",
    tasks: str = "",
    agreement_reference: str = "",
    agreement_date: date | None = None,
    country: str = "FI",
    transfer_safeguard: str = "",
    actor: Actor,
) -> tuple[Recipient, str]:
    """Register a recipient. Returns it and its webhook signing secret, which is shown
    this once and stored only sealed."""
    require_actor(actor)
    _require_recipient_staff(actor)
    if kind not in Recipient.Kind.values:
        raise _invalid(_("Unknown kind of recipient."), field="kind")
    name = name.strip()
    if not name:
        raise _invalid(_("Enter the recipient's name."), field="name")
    item_keys, purpose_keys = _check_declaration(kind=kind, items=items, purposes=purposes)
    if kind == Recipient.Kind.CARD_ISSUER and card_issuer is None:
        raise _invalid(_("Choose the card issuer."), field="card_issuer")
    if kind == Recipient.Kind.PARTNER and consent_purpose not in PURPOSES:
        raise _invalid(
            _("A partner receives data only with the person's consent: choose the purpose."),
            field="consent_purpose",
        )
    if kind == Recipient.Kind.PROCESSOR and not (
        tasks.strip() and agreement_reference.strip() and agreement_date
    ):
        raise _invalid(
            _("A service provider needs its tasks, agreement reference and agreement date."),
            field="agreement_reference",
        )
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise _invalid(_("Enter a two-letter country code."), field="country")
    recipient = Recipient(
        kind=kind, name=name, webhook_url=_check_webhook_url(webhook_url),
        card_issuer=card_issuer if kind == Recipient.Kind.CARD_ISSUER else None,
        consent_purpose=consent_purpose if kind == Recipient.Kind.PARTNER else "",
        items=item_keys, purposes=purpose_keys,
        tasks=tasks.strip() if kind == Recipient.Kind.PROCESSOR else "",
        agreement_reference=agreement_reference.strip(), agreement_date=agreement_date,
        country=country, transfer_safeguard=transfer_safeguard.strip(),
    )  # fmt: skip
    secret = outbox.new_secret()
    _seal_secret(recipient, secret)
    recipient.save(force_insert=True)
    audit_record(
        actor=actor, action=AuditAction.RECIPIENT_CREATE,
        context={"recipient": str(recipient.public_id), "kind": kind},
    )  # fmt: skip
    return recipient, secret


@transaction.atomic
def recipient_secret_rotate(*, recipient: Recipient, actor: Actor) -> str:
    """Replace the signing secret; the new one is returned to be shown once."""
    require_actor(actor)
    _require_recipient_staff(actor)
    secret = outbox.new_secret()
    _seal_secret(recipient, secret)
    recipient.updated_at = timezone.now()
    recipient.save(update_fields=["secret_kek_id", "secret_sealed", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.RECIPIENT_SECRET_ROTATE,
        context={"recipient": str(recipient.public_id)},
    )  # fmt: skip
    return secret


def _check_basis(
    *, subject: Subject, recipient: Recipient, item_keys: list[str], legal_basis: str
) -> None:
    if recipient.kind == Recipient.Kind.CARD_ISSUER:
        if legal_basis != LegalBasis.CONTRACT:
            raise _invalid(
                _("A card issuer receives data only under the contract."), field="legal_basis"
            )
        holds = Card.objects.filter(
            holder=subject, issuer_id=recipient.card_issuer_id, registered_at__isnull=False
        ).exists()
        if not holds:
            raise _invalid(
                _("The person has not taken a card of this issuer into use."),
                field="recipient",
            )
    elif recipient.kind == Recipient.Kind.PARTNER:
        if legal_basis != LegalBasis.CONSENT:
            raise _invalid(_("A partner receives data only with consent."), field="legal_basis")
        if not has_consent(subject=subject, purpose=recipient.consent_purpose):
            raise _invalid(
                _("The person has not consented to disclosure to partners."),
                field="legal_basis", purpose=recipient.consent_purpose,
            )  # fmt: skip
    elif recipient.kind == Recipient.Kind.AUTHORITY:
        if legal_basis != LegalBasis.LEGAL_OBLIGATION:
            raise DomainError(
                ErrorCode.BASIS_NOT_ALLOWED,
                _("An authority receives data only where the law requires it."),
                details={"field": "legal_basis"},
            )
    else:
        # A processor works on our behalf: the basis is the one we process the item under.
        wrong = [k for k in item_keys if catalogue.BY_KEY[k].legal_basis != legal_basis]
        if wrong:
            raise _invalid(
                _("The legal basis is not the one the items are processed under."),
                field="legal_basis", items=wrong,
            )  # fmt: skip


@transaction.atomic
def disclosure_record(
    *,
    subject: Subject,
    recipient: Recipient,
    items: Iterable[str],
    legal_basis: str,
    purpose: str,
    actor: Actor,
    note: str = "",
) -> list[Disclosure]:
    """Record that ``items`` of ``subject`` were given to ``recipient``, one row per item,
    with the legal basis; queue the recipient's webhook in the same transaction.

    Refused, with nothing recorded: an erased person, an inactive recipient, an item or
    purpose the recipient has not declared, a basis its kind does not allow, a partner
    without the person's consent, a card issuer whose card the person does not use.
    """
    require_actor(actor)
    item_keys = sorted({catalogue.get(key).key for key in items})
    if not item_keys:
        raise _invalid(_("Name at least one data item."), field="items")
    if subject.erased_at is not None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    if not recipient.is_active:
        raise _invalid(_("This recipient no longer receives data."), field="recipient")
    if legal_basis not in {b.value for b in LegalBasis}:
        raise _invalid(_("Unknown legal basis."), field="legal_basis")
    if purpose not in recipient.purposes:
        raise _invalid(
            _("The recipient has not declared this purpose."),
            field="purpose", declared=list(recipient.purposes),
        )  # fmt: skip
    undeclared = [k for k in item_keys if k not in recipient.items]
    if undeclared:
        raise _invalid(
            _("The recipient has not declared these items for its purposes."),
            field="items", items=undeclared,
        )  # fmt: skip
    _check_basis(subject=subject, recipient=recipient, item_keys=item_keys, legal_basis=legal_basis)
    now = timezone.now()
    rows = Disclosure.objects.bulk_create(
        Disclosure(
            subject=subject, recipient=recipient, item=key, legal_basis=legal_basis,
            purpose=purpose, at=now, actor_kind=actor.kind, actor_id=actor.id, note=note,
        )
        for key in item_keys
    )  # fmt: skip
    _audit(
        actor, AuditAction.DISCLOSURE_RECORD, subject, recipient, item_keys, purpose, legal_basis
    )
    outbox.enqueue(
        recipient=recipient, subject=subject, event=OutboxMessage.Event.DISCLOSURE,
        data={"items": item_keys, "purpose": purpose, "legal_basis": legal_basis},
    )  # fmt: skip
    return rows


@transaction.atomic
def disclosure_record_manual(
    *,
    subject: Subject,
    recipient: Recipient,
    items: Iterable[str],
    legal_basis: str,
    purpose: str,
    note: str,
    actor: Actor,
) -> list[Disclosure]:
    """The privacy officer records a disclosure made outside the service (for example
    to an authority that demanded the data), with a note of why and on what request.
    The same rules as :func:`disclosure_record` apply; the person sees it in Activity
    and in their export."""
    require_actor(actor)
    if actor.kind != ActorKind.STAFF or actor.role != StaffRole.PRIVACY_OFFICER.value:
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            _("Only the privacy officer records disclosures by hand."),
        )
    note = note.strip()
    if not note:
        raise DomainError(
            ErrorCode.REASON_REQUIRED,
            _("Write why the data was given and on what request."),
            details={"field": "note"},
        )
    return disclosure_record(
        subject=subject, recipient=recipient, items=items, legal_basis=legal_basis,
        purpose=purpose, actor=actor, note=note,
    )  # fmt: skip


# A card issuer receives data under the contract only (see _check_basis), so only for the
# purposes the contract covers, in this order of preference.
CARD_ISSUER_PURPOSES = (Purpose.SERVICE, Purpose.SECURITY)
# Items a card issuer may be told about without a profile value: the card itself.
_CARD_ITEMS = frozenset({"card_identifiers"})


def _held_items(subject: Subject, declared: Iterable[str]) -> list[str]:
    """Of ``declared``, the items the person actually has (nothing is disclosed that does
    not exist)."""
    declared = set(declared)
    held = set(
        ProfileValue.objects.filter(subject=subject, item__in=declared)
        .values_list("item", flat=True)
        .distinct()
    )
    return sorted(held | (declared & _CARD_ITEMS))


@transaction.atomic
def disclosures_for_card_taken_into_use(
    *, card: Card, subject: Subject, actor: Actor
) -> list[Disclosure]:
    """A person took ``card`` into use: disclose to each active recipient registered for
    the card's issuer what it declared, of what the person has, under the contract
    (privacy policy section 7). Nothing when no recipient is registered for the issuer,
    when it declared no purpose the contract covers, or while the person's processing is
    restricted. Runs inside the registration's transaction (kliento.cards.events)."""
    require_actor(actor)
    recipients = list(
        Recipient.objects.filter(
            kind=Recipient.Kind.CARD_ISSUER, card_issuer_id=card.issuer_id, is_active=True
        ).order_by("pk")
    )
    if not recipients or is_restricted(subject):
        return []
    rows: list[Disclosure] = []
    for recipient in recipients:
        purpose = next((p for p in CARD_ISSUER_PURPOSES if p in recipient.purposes), None)
        items = _held_items(subject, recipient.items)
        if purpose is None or not items:
            continue
        rows += disclosure_record(
            subject=subject, recipient=recipient, items=items,
            legal_basis=LegalBasis.CONTRACT, purpose=purpose, actor=actor,
        )  # fmt: skip
    return rows


def _audit(  # noqa: PLR0917 (a private helper; every caller passes the same order)
    actor: Actor,
    action: AuditAction,
    subject: Subject,
    recipient: Recipient,
    items: list[str],
    purpose: str = "",
    legal_basis: str = "",
) -> None:
    audit_record(
        actor=actor, action=action, subject_id=subject.public_id, items=items, purpose=purpose,
        context={"recipient": str(recipient.public_id), "recipient_name": recipient.name,
                 "legal_basis": legal_basis},
    )  # fmt: skip


def _received(subject: Subject, items: list[str] | None) -> dict[int, list[str]]:
    """Recipient id -> the items it received of ``subject`` (of ``items`` when given)."""
    qs = Disclosure.objects.filter(subject=subject)
    if items is not None:
        qs = qs.filter(item__in=items)
    received: dict[int, set[str]] = {}
    for recipient_id, item in qs.values_list("recipient_id", "item").distinct():
        received.setdefault(recipient_id, set()).add(item)
    return {rid: sorted(keys) for rid, keys in received.items()}


def _notify(subject: Subject, received: dict[int, list[str]], event: str, actor: Actor) -> int:
    with transaction.atomic():
        for recipient in Recipient.objects.filter(pk__in=received).order_by("pk"):
            keys = received[recipient.pk]
            outbox.enqueue(recipient=recipient, subject=subject, event=event, data={"items": keys})
            _audit(actor, NOTICE_ACTIONS[event], subject, recipient, keys)
    return len(received)


def outbox_notify_correction(*, subject: Subject, items: Iterable[str], actor: Actor) -> int:
    """Tell every recipient that received one of ``items`` of ``subject`` that they were
    corrected or deleted (GDPR art. 19). Call it inside the correction's transaction.
    One query and no writes when nobody received them. Returns how many messages were
    queued."""
    require_actor(actor)
    received = _received(subject, sorted(set(items)))
    if not received:
        return 0
    return _notify(subject, received, OutboxMessage.Event.CORRECTION, actor)


def outbox_notify_erasure(*, subject: Subject, actor: Actor) -> int:
    """Tell every recipient that received anything of ``subject`` to erase it. Call it
    inside the erasure's transaction, before the person's rows go. Returns how many
    messages were queued (one per recipient, whatever the history's length)."""
    require_actor(actor)
    received = _received(subject, None)
    if not received:
        return 0
    return _notify(subject, received, OutboxMessage.Event.ERASURE, actor)


@transaction.atomic
def disclosures_read(*, subject: Subject, actor: Actor, limit: int = 500) -> list[Disclosure]:
    """What was disclosed about ``subject``, newest first, for the privacy officer's or
    customer service's review; the read is recorded (and so shown to the person) before
    anything is returned. An erased person's disclosures are nobody's to review."""
    require_actor(actor)
    if actor.kind != ActorKind.STAFF or actor.role not in DISCLOSURE_REVIEW_ROLES:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("You may not do this."))
    if subject.erased_at is not None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    audit_record(
        actor=actor, action=AuditAction.DISCLOSURES_READ,
        subject_id=subject.public_id,
        items=["disclosures"], purpose="disclosure review",
    )  # fmt: skip
    return list(
        Disclosure.objects.filter(subject=subject)
        .select_related("recipient")
        .order_by("-at", "-pk")[:limit]
    )
