"""The person's roles at merchants in their export, and their erasure with the login
(see :mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kliento.common.personal_data import (
    ERASE_LOGIN,
    RecordKind,
    Section,
    register_retention,
    register_section,
)
from kliento.merchants.models import Membership, MerchantApplication
from kliento.merchants.onboarding import CONTACT_ITEM, application_contact


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


# --- applications to become a merchant (onboarding.py) ---------------------------------


def _applications(subject: Any) -> Iterator[dict[str, Any]]:
    if not subject.user_id:
        return
    rows = MerchantApplication.objects.filter(applicant_id=subject.user_id).order_by("pk")
    for application in rows.iterator(chunk_size=100):
        contact = application_contact(application)
        yield {
            "id": application.public_id,
            "business_name": application.business_name,
            "business_id": application.business_id,
            "status": application.status,
            "contact_name": contact.name,
            "contact_email": contact.email,
            "contact_phone": contact.phone,
            "language": application.language,
            "created_at": application.created_at,
            "verified_at": application.verified_at,
            "decided_at": application.decided_at,
            "reject_reason": application.reject_reason,
        }


def _erase_applications(subject: Any) -> None:
    if subject.user_id is not None:
        MerchantApplication.objects.filter(applicant_id=subject.user_id).delete()


register_section(
    Section(
        name="merchant_applications",
        title=_("Your applications to become a Kliento merchant"),
        models=("merchants.MerchantApplication",),
        items=(CONTACT_ITEM,),
        rows=_applications,
        description=_("Businesses you applied for, with the contact details you gave."),
        count=lambda subject: (
            MerchantApplication.objects.filter(applicant_id=subject.user_id).count()
            if subject.user_id
            else 0
        ),
        order=190,  # after the older sections (the export order is pinned)
        erase=_erase_applications,
        retention=("merchant_applications",),
    )
)


def _applications_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    """Decided applications, and ones whose link expired unverified, past the period;
    applications waiting for review stay."""
    cutoff = now - period
    decided = (MerchantApplication.Status.APPROVED, MerchantApplication.Status.REJECTED)
    expired: QuerySet[Any] = MerchantApplication.objects.filter(
        Q(status__in=decided, decided_at__lt=cutoff)
        | Q(status=MerchantApplication.Status.UNVERIFIED, token_expires_at__lt=cutoff)
    )
    return expired


def _applications_delete(pks: list[Any]) -> int:
    deleted = MerchantApplication.objects.filter(pk__in=pks).delete()[1]
    return deleted.get("merchants.MerchantApplication", 0)


register_retention(
    RecordKind("merchant_applications", _("Decided or lapsed merchant applications"),
               CONTACT_ITEM, "delete", _applications_expired, _applications_delete, order=90)
)  # fmt: skip
