"""The person's export and erasure: their pseudonymous ids at merchants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from kliento.privacy.export import Section, register
from kliento.register.models import Subject
from kliento.sharing.models import MerchantCustomer


def _pseudonyms(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = MerchantCustomer.objects.filter(subject=subject).order_by("pk")
    for name, pseudonym in rows.values_list("merchant__name", "pseudonym").iterator(chunk_size=500):
        yield {"merchant": name, "customer_id": pseudonym}


register(
    Section(
        name="merchant_customer_ids",
        title=_("Your customer id at each merchant"),
        models=("sharing.MerchantCustomer",),
        items=("sharing",),
        rows=_pseudonyms,
        count=lambda subject: MerchantCustomer.objects.filter(subject=subject).count(),
        erase=lambda subject: MerchantCustomer.objects.filter(subject=subject).delete(),
    )
)
