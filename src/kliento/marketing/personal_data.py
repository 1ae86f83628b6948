"""The person's marketing records in their data export, and their erasure.

Erasure deletes the inclusions, the marketing attributes and the current-consent rows
(so an erased person is never in an audience again); the consent events themselves stay
as proof (consent app) and the suppression list keeps only keyed hashes of addresses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from kliento.common.personal_data import Section, register_section
from kliento.consent.models import CurrentConsent
from kliento.marketing.models import MarketingProfile, ProductTag, Recipient
from kliento.register.models import Subject


def _inclusions(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = (
        Recipient.objects.filter(subject=subject)
        .order_by("pk")
        .values(
            "campaign__public_id",
            "campaign__name",
            "campaign__channel",
            "campaign__purpose",
            "basis",
            "consent_event__public_id",
            "status",
            "skip_reason",
            "included_at",
            "sent_at",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        yield {
            "campaign": row["campaign__public_id"],
            "name": row["campaign__name"],
            "channel": row["campaign__channel"],
            "purpose": row["campaign__purpose"],
            "basis": row["basis"],
            "consent_receipt": row["consent_event__public_id"],
            "status": row["status"],
            "skip_reason": row["skip_reason"],
            "included_at": row["included_at"],
            "sent_at": row["sent_at"],
        }


def _choices(subject: Subject) -> Iterator[dict[str, Any]]:
    profile = MarketingProfile.objects.filter(subject=subject).first()
    if profile is not None:
        yield {
            "use_language": profile.use_language,
            "use_city": profile.use_city,
            "use_products": profile.use_products,
            "language": profile.language,
            "city_stored_as_keyed_hash": profile.city_tag is not None,
            "favourite_products_stored_as_keyed_hashes": ProductTag.objects.filter(
                subject=subject
            ).count(),
            "updated_at": profile.updated_at,
        }
    current = CurrentConsent.objects.filter(subject=subject).order_by("purpose")
    for row in current.values("purpose", "action", "notice_version", "at").iterator():
        yield {"current_consent": row["purpose"], **row}


def _erase_choices(subject: Subject) -> None:
    ProductTag.objects.filter(subject=subject).delete()
    MarketingProfile.objects.filter(subject=subject).delete()
    CurrentConsent.objects.filter(subject=subject).delete()


register_section(
    Section(
        name="marketing_inclusions",
        title=_("Newsletters and text messages you were included in"),
        models=("marketing.Recipient",),
        items=("marketing_received",),
        rows=_inclusions,
        count=lambda subject: Recipient.objects.filter(subject=subject).count(),
        order=140,
        erase=lambda subject: Recipient.objects.filter(subject=subject).delete(),
    )
)
register_section(
    Section(
        name="marketing_choices",
        title=_("What you allow to be used for choosing offers"),
        models=("marketing.MarketingProfile", "marketing.ProductTag", "consent.CurrentConsent"),
        items=("marketing_segments", "direct_marketing"),
        rows=_choices,
        order=150,
        erase=_erase_choices,
    )
)
