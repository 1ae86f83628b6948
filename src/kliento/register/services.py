"""Writes to the register, and the reads that others make of it.

Every function takes ``actor``. Values are sealed under the subject's data key and
bound to (subject, item); every write is audited in its own transaction; every read by
anyone other than the person is audited before the values are returned.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.accounts.models import User
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.common import crypto
from kliento.common.errors import DomainError, ErrorCode
from kliento.register import catalogue, changes, values
from kliento.register.catalogue import Item
from kliento.register.consents import has_consent
from kliento.register.models import DataKey, ProfileValue, Subject

HEALTH_CONSENT_PURPOSE = "health_data"


@dataclass(frozen=True)
class Value:
    """One decrypted profile value."""

    id: UUID
    item: str
    value: Any
    is_primary: bool

    @property
    def display(self) -> str:
        return values.display(catalogue.BY_KEY[self.item], self.value)


# --- subjects and keys -----------------------------------------------------------------


@transaction.atomic
def subject_create(*, user: User | None, actor: Actor) -> Subject:
    """A new subject with a fresh data key wrapped by the current key-encryption key."""
    require_actor(actor)
    subject = Subject.objects.create(user=user)
    kek_id, wrapped = crypto.wrap_data_key(crypto.new_data_key(), owner=str(subject.public_id))
    DataKey.objects.create(subject=subject, kek_id=kek_id, wrapped_key=wrapped)
    audit_record(actor=actor, action=AuditAction.SUBJECT_CREATE, subject_id=subject.public_id)
    return subject


@transaction.atomic
def subject_key_destroy(*, subject: Subject, actor: Actor) -> bool:
    """Crypto-shredding: delete the subject's data key. Every value sealed under it, in
    this database and in any copy of it, can then no longer be decrypted by anyone who
    does not also hold an older copy of the wrapped key *and* the KEK that wrapped it
    (so backups become unreadable once the KEK is rotated away). Returns whether a key
    was destroyed."""
    require_actor(actor)
    deleted, _counts = DataKey.objects.filter(subject=subject).delete()
    subject._state.fields_cache.pop("data_key", None)  # no stale copy on this instance
    if deleted:
        audit_record(
            actor=actor, action=AuditAction.SUBJECT_KEY_DESTROY, subject_id=subject.public_id
        )
    return bool(deleted)


def subject_of(user: User) -> Subject:
    """The user's subject, created on first use (registration creates it too)."""
    try:
        return user.subject
    except Subject.DoesNotExist:
        return subject_create(user=user, actor=Actor.system("register"))


def _data_key(subject: Subject) -> bytes:
    try:
        key = subject.data_key
    except DataKey.DoesNotExist:
        raise DomainError(ErrorCode.NOT_FOUND, _("This person's data has been erased.")) from None
    return crypto.unwrap_data_key(
        bytes(key.wrapped_key), owner=str(subject.public_id), kek_id=key.kek_id
    )


def _aad(subject: Subject, item: str) -> bytes:
    return f"value:{subject.public_id}:{item}".encode()


def _seal(key: bytes, subject: Subject, item: Item, value: Any) -> bytes:
    payload = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return crypto.seal(key, payload, _aad(subject, item.key))


def _open(key: bytes, subject: Subject, row: ProfileValue) -> Any:
    return json.loads(crypto.open_sealed(key, bytes(row.ciphertext), _aad(subject, row.item)))


def _lookup(item: Item, value: Any) -> bytes | None:
    form = values.lookup_form(item, value)
    return None if form is None else crypto.blind_index(item.key, form)


# --- writes ------------------------------------------------------------------------------


def _editable(item_key: str) -> Item:
    item = catalogue.get(item_key)
    if not item.in_profile:
        raise DomainError(
            ErrorCode.ITEM_NOT_SUPPORTED,
            _("This item cannot be changed in the profile."),
            details={"item": item_key},
        )
    return item


def _check_special_category(subject: Subject, item: Item) -> None:
    if not item.special_category:
        return
    if not has_consent(subject=subject, purpose=HEALTH_CONSENT_PURPOSE):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED,
            _("Give your separate consent for health data before entering allergies."),
            details={"item": item.key, "consent": HEALTH_CONSENT_PURPOSE},
        )


@transaction.atomic
def profile_value_set(*, subject: Subject, item_key: str, value: Any, actor: Actor) -> Value:
    """Set a single-valued item (replacing it), or add a value of a multi-valued item.

    A multi-valued item's first value becomes primary.
    """
    require_actor(actor)
    item = _editable(item_key)
    _check_special_category(subject, item)
    normalised = values.normalise(item, value)
    key = _data_key(subject)
    now = timezone.now()
    existing = list(
        ProfileValue.objects.select_for_update()
        .filter(subject=subject, item=item.key)
        .order_by("pk")
    )
    if item.multiple or not existing:
        row = ProfileValue(
            subject=subject,
            item=item.key,
            is_primary=not any(v.is_primary for v in existing),
            created_at=now,
        )
        action = AuditAction.PROFILE_ADD
    else:
        row = existing[0]
        action = AuditAction.PROFILE_UPDATE
    row.ciphertext = _seal(key, subject, item, normalised)
    row.lookup = _lookup(item, normalised)
    row.updated_at = now
    row.save()
    audit_record(actor=actor, action=action, subject_id=subject.public_id, items=[item.key])
    return Value(row.public_id, item.key, normalised, row.is_primary)


@transaction.atomic
def profile_value_update(*, subject: Subject, value_id: UUID, value: Any, actor: Actor) -> Value:
    """Correct one stored value (rectification)."""
    require_actor(actor)
    row = _own_row(subject, value_id)
    item = _editable(row.item)
    _check_special_category(subject, item)
    normalised = values.normalise(item, value)
    row.ciphertext = _seal(_data_key(subject), subject, item, normalised)
    row.lookup = _lookup(item, normalised)
    row.updated_at = timezone.now()
    row.save(update_fields=["ciphertext", "lookup", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PROFILE_UPDATE,
        subject_id=subject.public_id,
        items=[item.key],
    )
    changes.notify_correction(subject=subject, items=[item.key], actor=actor)
    return Value(row.public_id, item.key, normalised, row.is_primary)


@transaction.atomic
def profile_value_make_primary(*, subject: Subject, value_id: UUID, actor: Actor) -> None:
    """Make one value of a multi-valued item its primary one."""
    require_actor(actor)
    row = _own_row(subject, value_id)
    siblings = ProfileValue.objects.select_for_update().filter(subject=subject, item=row.item)
    siblings.exclude(pk=row.pk).update(is_primary=False)
    ProfileValue.objects.filter(pk=row.pk).update(is_primary=True, updated_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.PROFILE_PRIMARY,
        subject_id=subject.public_id,
        items=[row.item],
    )


@transaction.atomic
def profile_value_delete(*, subject: Subject, value_id: UUID, actor: Actor) -> None:
    """Delete one value; if it was primary, the oldest remaining value becomes primary."""
    require_actor(actor)
    row = _own_row(subject, value_id)
    item_key, was_primary = row.item, row.is_primary
    row.delete()
    if was_primary:
        successor = (
            ProfileValue.objects.filter(subject=subject, item=item_key).order_by("pk").first()
        )
        if successor is not None:
            ProfileValue.objects.filter(pk=successor.pk).update(is_primary=True)
    audit_record(
        actor=actor,
        action=AuditAction.PROFILE_DELETE,
        subject_id=subject.public_id,
        items=[item_key],
    )
    changes.notify_correction(subject=subject, items=[item_key], actor=actor)


@transaction.atomic
def profile_item_clear(*, subject: Subject, item_key: str, actor: Actor) -> int:
    """Delete every value of one item. Returns how many were deleted."""
    require_actor(actor)
    item = catalogue.get(item_key)
    deleted, _ = ProfileValue.objects.filter(subject=subject, item=item.key).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.PROFILE_DELETE,
            subject_id=subject.public_id,
            items=[item.key],
        )
        changes.notify_correction(subject=subject, items=[item.key], actor=actor)
    return deleted


def _own_row(subject: Subject, value_id: UUID) -> ProfileValue:
    row = (
        ProfileValue.objects.select_for_update().filter(subject=subject, public_id=value_id).first()
    )
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return row


# --- reads ---------------------------------------------------------------------------------


def profile_read(
    *,
    subject: Subject,
    actor: Actor,
    purpose: str,
    items: Iterable[str] | None = None,
    ticket: str = "",
) -> dict[str, list[Value]]:
    """Decrypt the subject's values (only ``items`` when given), primary first.

    A read by anyone but the person is recorded in the audit log, in the same
    transaction, before any value is returned; an empty ``purpose`` is refused then.
    """
    require_actor(actor)
    wanted = None if items is None else [catalogue.get(key).key for key in items]
    own = actor.is_user(subject.user)
    with transaction.atomic():
        rows = ProfileValue.objects.filter(subject=subject).order_by("item", "-is_primary", "pk")
        if wanted is not None:
            rows = rows.filter(item__in=wanted)
        rows_list = list(rows)
        if not own:
            if not purpose.strip():
                raise DomainError(ErrorCode.REASON_REQUIRED, _("State the purpose of this access."))
            audit_record(
                actor=actor,
                action=AuditAction.PROFILE_READ,
                subject_id=subject.public_id,
                items=sorted({row.item for row in rows_list} | set(wanted or [])),
                purpose=purpose,
                ticket=ticket,
            )
        result: dict[str, list[Value]] = defaultdict(list)
        if rows_list:
            key = _data_key(subject)
            for row in rows_list:
                result[row.item].append(
                    Value(row.public_id, row.item, _open(key, subject, row), row.is_primary)
                )
    return dict(result)


def subjects_by_lookup(*, item_key: str, value: Any) -> list[Subject]:
    """Subjects that hold exactly ``value`` for a lookup item (e-mail, phone), found
    through the blind index; the login e-mail is searched too."""
    item = catalogue.get(item_key)
    if not item.lookup:
        raise DomainError(ErrorCode.ITEM_NOT_SUPPORTED, _("This item cannot be searched."))
    normalised = values.normalise(item, value)
    index = _lookup(item, normalised)
    found = Subject.objects.filter(values__item=item.key, values__lookup=index)
    if item.kind == catalogue.ValueKind.EMAIL:
        found = found | Subject.objects.filter(user__email=normalised)
    return list(found.distinct().select_related("user"))


# --- several changes at once (the person's app) ---------------------------------------------


@dataclass(frozen=True)
class ProfilePatch:
    """Changes to apply together: ``set`` single-valued items (None clears one), ``add``
    a value to any item, ``update`` / ``delete`` / make ``primary`` values by id."""

    set: dict[str, Any]
    add: dict[str, Any]
    update: dict[UUID, Any]
    delete: list[UUID]
    primary: list[UUID]


def _set_single(subject: Subject, item_key: str, value: Any, actor: Actor) -> None:
    item = _editable(item_key)
    if item.multiple:
        raise DomainError(
            ErrorCode.ITEM_MULTIVALUED,
            _("This item can have several values: add, update or delete them one by one."),
            details={"item": item.key},
        )
    if value is None:
        profile_item_clear(subject=subject, item_key=item.key, actor=actor)
    else:
        profile_value_set(subject=subject, item_key=item.key, value=value, actor=actor)


# When several operations fail, the response carries the gravest refusal (403, then 404);
# otherwise it is changes_refused, and details.errors has each operation's own code.
_SEVERITY = (ErrorCode.PERMISSION_DENIED, ErrorCode.NOT_FOUND)


@transaction.atomic
def profile_patch(*, subject: Subject, patch: ProfilePatch, actor: Actor) -> None:
    """Apply every operation of ``patch`` in one transaction, or none of them.

    Every operation is tried (each in a savepoint) so that one refusal names every bad
    operation in ``details["errors"]``; any refusal rolls the whole patch back.
    Order: delete, update, set, add, primary.
    """
    require_actor(actor)
    errors: list[dict[str, Any]] = []

    def attempt(op: str, target: dict[str, str], change: Any) -> None:
        try:
            with transaction.atomic():
                change()
        except DomainError as error:
            errors.append(
                {
                    "op": op,
                    **target,
                    **{k: v for k, v in error.details.items() if k in ("item", "consent")},
                    "code": str(error.code),
                    "message": str(error.message),
                }
            )

    for value_id in patch.delete:
        attempt(
            "delete",
            {"id": str(value_id)},
            lambda v=value_id: profile_value_delete(subject=subject, value_id=v, actor=actor),
        )
    for value_id, value in patch.update.items():
        attempt(
            "update",
            {"id": str(value_id)},
            lambda v=value_id, new=value: profile_value_update(
                subject=subject, value_id=v, value=new, actor=actor
            ),
        )
    for item_key, value in patch.set.items():
        attempt(
            "set",
            {"item": item_key},
            lambda k=item_key, new=value: _set_single(subject, k, new, actor),
        )
    for item_key, value in patch.add.items():
        attempt(
            "add",
            {"item": item_key},
            lambda k=item_key, new=value: profile_value_set(
                subject=subject, item_key=k, value=new, actor=actor
            ),
        )
    for value_id in patch.primary:
        attempt(
            "primary",
            {"id": str(value_id)},
            lambda v=value_id: profile_value_make_primary(subject=subject, value_id=v, actor=actor),
        )

    if errors:
        codes = {error["code"] for error in errors}
        code = next((c for c in _SEVERITY if c in codes), ErrorCode.CHANGES_REFUSED)
        raise DomainError(
            code, _("Nothing was changed: some changes were refused."), details={"errors": errors}
        )
