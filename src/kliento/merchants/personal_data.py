"""The person's roles at merchants in their export, and their erasure with the login
(see :mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from kliento.common.personal_data import ERASE_LOGIN, Section, register_section
from kliento.merchants.models import Membership


def _memberships(subject: Any) -> Iterator[dict[str, Any]]:
    if not subject.user_id:
        return
    rows = Membership.objects.filter(user_id=subject.user_id).order_by("pk")
    for row in rows.values("merchant__name", "role", "premises__name", "created_at"):
        yield {
            "merchant": row["merchant__name"],
            "role": row["role"],
            "premises": row["premises__name"],
            "created_at": row["created_at"],
        }


def _erase(subject: Any) -> None:
    if subject.user_id is not None:
        Membership.objects.filter(user_id=subject.user_id).delete()


register_section(
    Section(
        name="merchant_roles",
        title=_("Your roles at merchants"),
        models=("merchants.Membership",),
        items=(),
        rows=_memberships,
        description=_("Merchants whose staff you belong to, and your role there."),
        order=20,
        erase=_erase,
        erase_order=ERASE_LOGIN,
        retention_item="login_email",  # kept as long as the login
    )
)
