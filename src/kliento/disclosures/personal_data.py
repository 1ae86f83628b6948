"""The person's disclosures in their data export, kept as proof on erasure (see
:mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from kliento.common.personal_data import Section, register_section
from kliento.disclosures.models import Disclosure, OutboxMessage
from kliento.register.models import Subject


def _disclosures(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = (
        Disclosure.objects.filter(subject=subject)
        .order_by("at", "pk")
        .values("public_id", "recipient__name", "recipient__kind", "item", "purpose",
                "legal_basis", "at", "note")
    )  # fmt: skip
    for row in rows.iterator(chunk_size=2000):
        yield {
            "id": row["public_id"], "recipient": row["recipient__name"],
            "recipient_kind": row["recipient__kind"], "item": row["item"],
            "purpose": row["purpose"], "legal_basis": row["legal_basis"], "at": row["at"],
            "note": row["note"],
        }  # fmt: skip


def _notifications(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = (
        OutboxMessage.objects.filter(subject=subject)
        .order_by("created_at", "pk")
        .values("public_id", "recipient__name", "event", "status", "created_at", "delivered_at")
    )
    for row in rows.iterator(chunk_size=2000):
        yield {
            "id": row["public_id"], "recipient": row["recipient__name"], "event": row["event"],
            "status": row["status"], "created_at": row["created_at"],
            "delivered_at": row["delivered_at"],
        }  # fmt: skip


# Disclosure rows are the proof of what was given to whom (GDPR art. 5(2), 19 and 30):
# they stay with only the pseudonymous subject reference and item keys. The free-text
# note of a disclosure recorded by hand is the one thing erased when the account goes.
KEPT_AS_PROOF = _(
    "Proof of what was given to whom and that corrections and erasures were passed on "
    "(GDPR art. 5(2), 19 and 30); it keeps only the pseudonymous subject reference and "
    "item keys."
)
register_section(
    Section(
        name="disclosures",
        title=_("Disclosures to card issuers, partners and service providers"),
        models=("disclosures.Disclosure",),
        items=("disclosures",),
        rows=_disclosures,
        order=160,
        erase=lambda subject: (
            Disclosure.objects.filter(subject=subject).exclude(note="").update(note="")
        ),
        kept_because=KEPT_AS_PROOF,
    )
)
register_section(
    Section(
        name="disclosure_notifications",
        title=_("Corrections and erasures sent to recipients"),
        models=("disclosures.OutboxMessage",),
        items=("disclosures",),
        rows=_notifications,
        order=170,
        kept_because=KEPT_AS_PROOF,
    )
)
