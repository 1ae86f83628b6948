"""Key rotation: wrap every key and secret again under the current key-encryption key.

Envelope encryption keeps this cheap. A person's values are sealed with their own data
key (DEK); only the DEK is wrapped by a key-encryption key (KEK) from settings. Rotating
a KEK unwraps and wraps each DEK again (two AES-GCM operations on 32 bytes); the values
themselves are never decrypted or written.

Three kinds of rows hold something wrapped by a KEK:

* ``register.DataKey``: each subject's data key;
* ``cards.Card``: each card's own data key, under which its identifier is sealed;
* allauth MFA authenticators: the TOTP secret and the recovery-code seed are sealed
  directly under a KEK as ``kl1:<kek_id>:<base64>`` (``kliento.accounts.mfa_adapter``),
  so they are opened and sealed again.

Each batch commits in its own transaction together with its audit entry. Only rows not
yet under the current KEK are selected, so a run that is interrupted resumes where it
stopped, and a second run finds nothing to do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Protocol

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from kliento.accounts.mfa_adapter import MFAAdapter
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.cards.models import Card
from kliento.common import crypto
from kliento.register.models import DataKey

NOT_SEALED = "(not sealed)"  # MFA secrets written before encryption was switched on
_MFA_PREFIX = "kl1"


@dataclass(frozen=True)
class Batch:
    """One committed batch: how many rows it looked at and rewrapped, and where it ended."""

    examined: int
    rotated: int
    last_pk: int


class Target(Protocol):
    """Rows of one kind whose secrets a KEK wraps."""

    key: str
    label: str

    def pending(self, to_kek_id: str) -> Counter[str]:
        """How many rows are not yet under ``to_kek_id``, by the KEK id they are under."""
        ...

    def check_opens(self, kek_id: str) -> None:
        """Open one row wrapped by ``kek_id``; raise ImproperlyConfigured if it fails."""
        ...

    def rotate_batch(self, *, after_pk: int, size: int, to_kek_id: str) -> Batch | None:
        """Rewrap the next ``size`` rows after ``after_pk``; None when none are left."""
        ...


def _wrong_key(kek_id: str, what: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"The key-encryption key {kek_id!r} in KLIENTO_ENCRYPTION_KEYS does not open {what}: "
        f"the key configured under the id {kek_id!r} is not the one it was wrapped with."
    )


class WrappedKeys:
    """A model with ``kek_id`` and ``wrapped_key`` columns (data keys, card keys)."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        key: str,
        label: str,
        owner_field: str,
        owner_prefix: str,
        stamp_field: str | None,
    ) -> None:
        self.model = model
        self.key = key
        self.label = label
        self._owner_field = owner_field
        self._owner_prefix = owner_prefix
        self._stamp_field = stamp_field

    def _owner(self, value: Any) -> str:
        return f"{self._owner_prefix}{value}"

    def pending(self, to_kek_id: str) -> Counter[str]:
        rows = (
            self.model._default_manager.exclude(kek_id=to_kek_id)
            .values("kek_id")
            .annotate(n=models.Count("pk"))
            .order_by("kek_id")
        )
        return Counter({row["kek_id"]: row["n"] for row in rows})

    def check_opens(self, kek_id: str) -> None:
        row = (
            self.model._default_manager.filter(kek_id=kek_id)
            .order_by("pk")
            .values_list("wrapped_key", self._owner_field)
            .first()
        )
        if row is None:
            return
        try:
            crypto.unwrap_data_key(bytes(row[0]), owner=self._owner(row[1]), kek_id=kek_id)
        except crypto.CryptoError:
            raise _wrong_key(kek_id, f"the {self.label} of {self._owner(row[1])}") from None

    def rotate_batch(self, *, after_pk: int, size: int, to_kek_id: str) -> Batch | None:
        rows = list(
            self.model._default_manager.filter(pk__gt=after_pk)
            .exclude(kek_id=to_kek_id)
            .order_by("pk")
            .values_list("pk", "kek_id", "wrapped_key", self._owner_field)[:size]
        )
        if not rows:
            return None
        stamp = (
            [connection.ops.adapt_datetimefield_value(timezone.now())] if self._stamp_field else []
        )
        params = []
        for pk, kek_id, wrapped, owner_value in rows:
            owner = self._owner(owner_value)
            try:
                data_key = crypto.unwrap_data_key(bytes(wrapped), owner=owner, kek_id=kek_id)
            except crypto.CryptoError:
                raise _wrong_key(kek_id, f"the {self.label} of {owner}") from None
            _kek_id, wrapped_again = crypto.wrap_data_key(data_key, owner=owner, kek_id=to_kek_id)
            params.append([to_kek_id, wrapped_again, *stamp, pk, kek_id])
        quote = connection.ops.quote_name
        meta = self.model._meta
        assignments = ["kek_id = %s", "wrapped_key = %s"]
        if self._stamp_field:
            assignments.append(f"{quote(self._stamp_field)} = %s")
        # Identifiers come from the model's meta, quoted; every value is a parameter.
        # One executemany per batch: far fewer round trips than saving rows one by one.
        table, pk_column = quote(meta.db_table), quote(meta.pk.column)
        sql = f"UPDATE {table} SET {', '.join(assignments)} WHERE {pk_column} = %s AND kek_id = %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        return Batch(examined=len(rows), rotated=len(rows), last_pk=rows[-1][0])


def _mfa_kek_id(sealed: str) -> str:
    prefix, sep, rest = sealed.partition(":")
    if prefix != _MFA_PREFIX or not sep:
        return NOT_SEALED
    return rest.partition(":")[0]


class MfaSecrets:
    """allauth authenticators whose secret the MFA adapter seals under a KEK."""

    key = "mfa_secrets"
    label = "MFA secret"
    # Which entry of Authenticator.data is sealed, by authenticator type.
    SEALED_FIELD = {"totp": "secret", "recovery_codes": "seed"}

    def _rows(self) -> models.QuerySet[Any]:
        return Authenticator.objects.filter(type__in=list(self.SEALED_FIELD)).order_by("pk")

    def _sealed(self, authenticator: Any) -> str | None:
        value = (authenticator.data or {}).get(self.SEALED_FIELD[authenticator.type])
        return value if isinstance(value, str) else None

    def pending(self, to_kek_id: str) -> Counter[str]:
        found: Counter[str] = Counter()
        for authenticator in self._rows().iterator(chunk_size=1000):
            sealed = self._sealed(authenticator)
            if sealed is not None and _mfa_kek_id(sealed) != to_kek_id:
                found[_mfa_kek_id(sealed)] += 1
        return found

    def check_opens(self, kek_id: str) -> None:
        for authenticator in self._rows().iterator(chunk_size=1000):
            sealed = self._sealed(authenticator)
            if sealed is not None and _mfa_kek_id(sealed) == kek_id:
                try:
                    MFAAdapter().decrypt(sealed)
                except (crypto.CryptoError, ValueError):
                    raise _wrong_key(kek_id, f"MFA authenticator #{authenticator.pk}") from None
                return

    def rotate_batch(self, *, after_pk: int, size: int, to_kek_id: str) -> Batch | None:
        if to_kek_id != crypto.current_kek_id():
            raise ImproperlyConfigured("MFA secrets are sealed only under the current key.")
        rows = list(self._rows().filter(pk__gt=after_pk)[:size])
        if not rows:
            return None
        adapter = MFAAdapter()
        rotated = 0
        for authenticator in rows:
            sealed = self._sealed(authenticator)
            if sealed is None or _mfa_kek_id(sealed) == to_kek_id:
                continue
            try:
                plain = adapter.decrypt(sealed)
            except (crypto.CryptoError, ValueError):
                raise _wrong_key(
                    _mfa_kek_id(sealed), f"MFA authenticator #{authenticator.pk}"
                ) from None
            field = self.SEALED_FIELD[authenticator.type]
            data = {**authenticator.data, field: adapter.encrypt(plain)}
            type(authenticator).objects.filter(pk=authenticator.pk).update(data=data)
            rotated += 1
        return Batch(examined=len(rows), rotated=rotated, last_pk=rows[-1].pk)


def targets() -> tuple[Target, ...]:
    """Everything a KEK wraps, in the order a rotation handles it."""
    return (
        WrappedKeys(
            DataKey, key="data_keys", label="data key", owner_field="subject__public_id",
            owner_prefix="", stamp_field="rotated_at",
        ),
        WrappedKeys(
            Card, key="card_keys", label="card key", owner_field="public_id",
            owner_prefix="card:", stamp_field=None,
        ),
        MfaSecrets(),
    )  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """What a rotation to ``to_kek_id`` has to do: pending rows by target and old KEK id."""

    to_kek_id: str
    pending: dict[str, Counter[str]]

    def total(self, target_key: str | None = None) -> int:
        counts = self.pending.values() if target_key is None else [self.pending[target_key]]
        return sum(sum(c.values()) for c in counts)


def rotation_plan(*, check_keys: bool = True) -> Plan:
    """Count what is not yet under the current KEK and check that every KEK id in use is
    configured and opens what it wrapped, before anything is changed.

    Raises ImproperlyConfigured naming the missing or wrong key id.
    """
    to_kek_id = crypto.current_kek_id()
    crypto.kek(to_kek_id)
    pending = {target.key: target.pending(to_kek_id) for target in targets()}
    configured = settings.ENCRYPTION_KEYS
    for target in targets():
        for kek_id, count in sorted(pending[target.key].items()):
            if kek_id != NOT_SEALED and kek_id not in configured:
                raise ImproperlyConfigured(
                    f"{count} {target.label}(s) are wrapped with the key-encryption key "
                    f"{kek_id!r}, which is not configured in KLIENTO_ENCRYPTION_KEYS. Add it "
                    "back (after the current key) and run the rotation again. "
                    "Nothing was changed."
                )
            if check_keys and kek_id != NOT_SEALED:
                try:
                    target.check_opens(kek_id)
                except ImproperlyConfigured as error:
                    raise ImproperlyConfigured(f"{error} Nothing was changed.") from None
    return Plan(to_kek_id=to_kek_id, pending=pending)


def kek_ids_in_use() -> set[str]:
    """The KEK ids that some row is still wrapped with."""
    used: set[str] = set()
    for target in targets():
        used |= set(target.pending(to_kek_id=""))  # no key has the empty id: counts all rows
    return used - {NOT_SEALED}


def rotate(*, target: Target, batch_size: int, actor: Actor) -> Generator[Batch, None, None]:
    """Rewrap ``target``'s rows under the current KEK, one committed batch at a time."""
    require_actor(actor)
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    to_kek_id = crypto.current_kek_id()
    after_pk = 0
    while True:
        with transaction.atomic():
            batch = target.rotate_batch(after_pk=after_pk, size=batch_size, to_kek_id=to_kek_id)
            if batch is None:
                return
            if batch.rotated:
                audit_record(
                    actor=actor,
                    action=AuditAction.KEYS_ROTATE,
                    context={"kind": target.key, "rows": batch.rotated, "kek_id": to_kek_id},
                )
        after_pk = batch.last_pk
        yield batch
