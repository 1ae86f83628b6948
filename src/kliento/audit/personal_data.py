"""Accesses by others in the person's export (from the audit log), kept on erasure, and
the retention of IP addresses in the audit log (see :mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kliento.audit.labels import action_label
from kliento.audit.models import AuditNetwork
from kliento.audit.selectors import accesses_by_others
from kliento.common.personal_data import (
    RecordKind,
    Section,
    register_retention,
    register_section,
)

CHUNK = 2000


class _MerchantNames(dict[str, str | None]):
    """Merchant names by public id, looked up once each (a person meets a few)."""

    def __missing__(self, public_id: str) -> str | None:
        # The merchants app sits above the audit log: its model is looked up, not imported.
        merchant = apps.get_model("merchants", "Merchant")
        name = (
            merchant._default_manager.filter(public_id=public_id)
            .values_list("name", flat=True)
            .first()
        )
        self[public_id] = name
        return name


def _accesses(subject: Any) -> Iterator[dict[str, Any]]:
    merchants = _MerchantNames()
    rows = accesses_by_others(subject=subject).order_by("seq")
    for row in rows.values_list(
        "seq", "at", "actor_kind", "actor_role", "action", "items", "purpose", "ticket", "via",
        "context",
    ).iterator(chunk_size=CHUNK):  # fmt: skip
        yield {
            "seq": row[0],
            "at": row[1],
            "actor_kind": row[2],
            "actor_role": row[3],
            "action": row[4],
            "what": str(action_label(row[4])),
            "items": row[5],
            "purpose": row[6],
            "ticket": row[7],
            "via": row[8],
            "merchant_id": (row[9] or {}).get("merchant"),
            "merchant": merchants[row[9]["merchant"]] if (row[9] or {}).get("merchant") else None,
        }


register_section(
    Section(
        name="accesses_by_others",
        title=_("Who else has used your data"),
        models=("audit.AuditEntry", "audit.AuditNetwork"),
        items=(),
        rows=_accesses,
        count=lambda subject: accesses_by_others(subject=subject).count(),
        description=_(
            "Every read or change of your data by staff, merchants, terminals and the "
            "service itself, from the audit log."
        ),
        order=110,
        kept_because=_(
            "The audit log is append-only, hash-chained proof of every use of the data "
            "(GDPR art. 5(2)); it names the person only by the pseudonymous subject id, "
            "and its IP addresses are deleted after their period."
        ),
        retention=("audit_ip_addresses",),
        retention_item="ip_address",
    )
)


# --- technical data: IP addresses in the audit log -------------------------------------


def _audit_ips_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    # The entry keeps only sha256(salt || ip); without this row it names no address.
    return AuditNetwork.objects.filter(recorded_at__lt=now - period)


def _audit_ips_delete(pks: list[Any]) -> int:
    return AuditNetwork.objects.filter(pk__in=pks).delete()[0]


register_retention(
    RecordKind("audit_ip_addresses", _("IP addresses in the audit log"), "ip_address",
               "delete", _audit_ips_expired, _audit_ips_delete, order=20)
)  # fmt: skip
