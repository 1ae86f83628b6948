"""What a merchant may see of a person, read fresh each time."""

from __future__ import annotations

from typing import Any

from kliento.audit.actors import Actor
from kliento.merchants.models import Merchant
from kliento.register import catalogue
from kliento.register import services as register
from kliento.register.models import Subject
from kliento.sharing.models import Grant


def granted_items(*, subject: Subject, merchant: Merchant) -> list[str]:
    """The catalogue items ``subject`` shares with ``merchant`` now."""
    return sorted(
        Grant.objects.filter(subject=subject, merchant=merchant).values_list("item", flat=True)
    )


def shared_profile(
    *, subject: Subject, merchant: Merchant, actor: Actor, purpose: str
) -> dict[str, Any]:
    """The values of the shared items, decrypted, primary value first, by item key.

    The read is recorded (who, which premises, which items) in the caller's transaction.
    Items with no value are left out; nothing is read when nothing is shared.
    """
    items = granted_items(subject=subject, merchant=merchant)
    if not items:
        return {}
    values = register.profile_read(subject=subject, actor=actor, purpose=purpose, items=items)
    return {
        key: [v.value for v in entries] if catalogue.BY_KEY[key].multiple else entries[0].value
        for key, entries in values.items()
    }
