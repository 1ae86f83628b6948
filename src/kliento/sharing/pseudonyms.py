"""Each person's own id at each merchant (docs/decisions/0015).

A merchant never sees ``Subject.public_id``: that id is the same everywhere, so two
merchants comparing lists could link a customer. Instead each (merchant, person) pair
has a pseudonym: HMAC-SHA256 under a key derived from the blind-index key for this one
purpose, over the merchant's and the person's public ids, cut to 128 bits and shown as
a UUID. It is stable, and without the key one merchant's ids say nothing about
another's. ``MerchantCustomer`` keeps the pseudonyms shown so far, so an id resolves back
with one indexed lookup; rows are written lazily, when a merchant is shown a customer.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from functools import cache
from uuid import UUID

from django.conf import settings

from kliento.merchants.models import Merchant
from kliento.register.models import Subject
from kliento.sharing.models import MerchantCustomer


@cache
def _key(blind_index_key: bytes) -> bytes:
    """A key of its own, so a pseudonym can never be compared with a blind index."""
    return hmac.new(
        blind_index_key, b"kliento merchant customer pseudonym v1", hashlib.sha256
    ).digest()


def pseudonym(*, merchant: Merchant, subject: Subject) -> UUID:
    """The person's id at ``merchant``: the same every time, different at every merchant."""
    message = b"customer|" + merchant.public_id.bytes + b"|" + subject.public_id.bytes
    digest = hmac.new(_key(bytes(settings.BLIND_INDEX_KEY)), message, hashlib.sha256).digest()
    return UUID(bytes=digest[:16], version=4)


def pseudonyms_assign(*, merchant: Merchant, subjects: Iterable[Subject]) -> None:
    """Give each of ``subjects`` its id at ``merchant`` as ``subject.customer_id`` and
    record the ones not recorded yet (one insert for the lot; none when all are).

    A recorded id wins over a freshly derived one, so an id once shown never changes.
    Rows from ``customers_of`` carry ``stored_pseudonym``; others are looked up here.
    """
    rows = list(subjects)
    unknown = [s.pk for s in rows if not hasattr(s, "stored_pseudonym")]
    stored: dict[int, UUID] = (
        dict(
            MerchantCustomer.objects.filter(merchant=merchant, subject_id__in=unknown).values_list(
                "subject_id", "pseudonym"
            )
        )
        if unknown
        else {}
    )
    missing = []
    for subject in rows:
        known = getattr(subject, "stored_pseudonym", None) or stored.get(subject.pk)
        subject.customer_id = known or pseudonym(merchant=merchant, subject=subject)  # type: ignore[attr-defined]
        if known is None:
            missing.append(
                MerchantCustomer(
                    merchant=merchant,
                    subject=subject,
                    pseudonym=subject.customer_id,  # type: ignore[attr-defined]
                )
            )
    if missing:
        MerchantCustomer.objects.bulk_create(missing, ignore_conflicts=True)


def customer_id(*, merchant: Merchant, subject: Subject) -> UUID:
    """``subject``'s id at ``merchant``, recorded so that it resolves (for links)."""
    pseudonyms_assign(merchant=merchant, subjects=[subject])
    found: UUID = subject.customer_id  # type: ignore[attr-defined]
    return found


def subject_id_of(*, merchant: Merchant, customer_id: UUID) -> int | None:
    """The pk of the person ``customer_id`` names at ``merchant``, or None."""
    return (
        MerchantCustomer.objects.filter(merchant=merchant, pseudonym=customer_id)
        .values_list("subject_id", flat=True)
        .first()
    )
