"""The person's profile in their export and its erasure (see
:mod:`kliento.common.personal_data`). The subject and its data key are covered here too:
the data key is destroyed by the erasure runner (crypto-shredding) before the values
sealed under it are deleted, and the runner marks the subject erased last."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from kliento.audit.actors import Actor
from kliento.common.personal_data import ERASE_KEY_DESTROYED, Section, register_section
from kliento.register import catalogue
from kliento.register.models import ProfileValue, Subject
from kliento.register.services import profile_read


def _profile(subject: Subject) -> Iterator[dict[str, Any]]:
    user = subject.user if subject.user_id else None
    if user is None or not hasattr(subject, "data_key"):
        return
    # The person's own read (no audit entry); a read by anyone else is audited once by
    # the export view before the document is produced.
    values = profile_read(subject=subject, actor=Actor.person(user), purpose="")
    for item_key, item_values in values.items():
        item = catalogue.BY_KEY[item_key]
        for value in item_values:
            yield {
                "id": value.id,
                "item": item_key,
                "label": str(item.label),
                "value": value.value,
                "display": value.display,
                "is_primary": value.is_primary,
            }


register_section(
    Section(
        name="profile",
        title=_("Your profile"),
        models=("register.Subject", "register.DataKey", "register.ProfileValue"),
        items=tuple(item.key for item in catalogue.PROFILE_ITEMS),
        rows=_profile,
        count=lambda subject: subject.values.count(),
        order=30,
        erase=lambda subject: ProfileValue.objects.filter(subject=subject).delete(),
        erase_order=ERASE_KEY_DESTROYED,
    )
)
