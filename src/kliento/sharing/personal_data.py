"""The person's relationships with merchants, what they share with them and their
pseudonymous ids at merchants: export and erasure (see
:mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from kliento.common.personal_data import ERASE_LINKS, Section, register_section
from kliento.register import catalogue
from kliento.register.models import Subject
from kliento.sharing.models import Grant, MerchantCustomer, Relationship


def _relationships(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = Relationship.objects.filter(subject=subject).order_by("joined_at", "pk")
    for row in rows.values_list("merchant__name", "joined_at"):
        yield {"merchant": row[0], "joined_at": row[1]}


register_section(
    Section(
        name="relationships",
        title=_("Merchants you are a customer of"),
        models=("sharing.Relationship",),
        items=("sharing",),
        rows=_relationships,
        count=lambda subject: Relationship.objects.filter(subject=subject).count(),
        order=90,
        erase=lambda subject: Relationship.objects.filter(subject=subject).delete(),
        erase_order=ERASE_LINKS + 10,  # after the grants
    )
)


def _grants(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = Grant.objects.filter(subject=subject).order_by("merchant__name", "item")
    for row in rows.values_list("merchant__name", "item", "granted_at", "confirmed_special_at"):
        item = catalogue.BY_KEY.get(row[1])
        yield {
            "merchant": row[0],
            "item": row[1],
            "label": str(item.label) if item else row[1],
            "granted_at": row[2],
            "confirmed_special_at": row[3],
        }


register_section(
    Section(
        name="sharing_grants",
        title=_("What you share with merchants"),
        models=("sharing.Grant",),
        items=("sharing",),
        rows=_grants,
        count=lambda subject: Grant.objects.filter(subject=subject).count(),
        order=100,
        erase=lambda subject: Grant.objects.filter(subject=subject).delete(),
        erase_order=ERASE_LINKS,
    )
)


def _pseudonyms(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = MerchantCustomer.objects.filter(subject=subject).order_by("pk")
    for name, pseudonym in rows.values_list("merchant__name", "pseudonym").iterator(chunk_size=500):
        yield {"merchant": name, "customer_id": pseudonym}


register_section(
    Section(
        name="merchant_customer_ids",
        title=_("Your customer id at each merchant"),
        models=("sharing.MerchantCustomer",),
        items=("sharing",),
        rows=_pseudonyms,
        count=lambda subject: MerchantCustomer.objects.filter(subject=subject).count(),
        order=120,
        erase=lambda subject: MerchantCustomer.objects.filter(subject=subject).delete(),
    )
)
