"""Who a campaign reaches, computed in SQL at send time, and what people and staff see.

The audience is one query over small indexed tables: the current-consent table (or the
merchant's customer relationships for the existing-customer exception), the marketing
attributes people allow, and the suppression list matched against the blind index of
the person's primary e-mail address or phone number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.fields import BigIntegerField
from django.db.models.functions import Cast

from kliento.consent.models import CurrentConsent
from kliento.consent.purposes import PURPOSES
from kliento.dsr.selectors import suppressed_subject_ids
from kliento.marketing.models import (
    Campaign,
    Channel,
    MarketingProfile,
    ProductTag,
    Recipient,
    Suppression,
)
from kliento.marketing.segments import city_tag, product_tag
from kliento.register.models import ProfileValue, Subject
from kliento.sharing.models import Relationship

CONTACT_ITEM = {Channel.EMAIL: "email", Channel.SMS: "phone"}


def active_versions(purpose_key: str, moment: datetime) -> list[str]:
    """Notice versions whose consent is still active at ``moment``: no later notice that
    asks everyone again has been published since."""
    return [
        notice.version
        for notice in PURPOSES[purpose_key].notices
        if not _published_later_reconsent(purpose_key, notice.version, moment)
    ]


def _published_later_reconsent(purpose_key: str, version: str, moment: datetime) -> bool:
    later = False
    for notice in PURPOSES[purpose_key].notices:
        if later and notice.requires_reconsent and notice.published <= moment.date():
            return True
        later = later or notice.version == version
    return False


def audience(campaign: Campaign, *, moment: datetime) -> QuerySet[Any]:
    """The people ``campaign`` may reach at ``moment``: rows with ``s_id`` (the subject)
    and ``e_id`` (the consent event relied on; None under the existing-customer
    exception), as ``values_list``-ready annotations."""
    base: QuerySet[Any]
    if campaign.existing_customers:
        objected = CurrentConsent.objects.filter(
            subject=OuterRef("subject_id"), purpose=campaign.purpose, action="withdrawn"
        )
        base = (
            Relationship.objects.filter(merchant=campaign.merchant)
            .exclude(Exists(objected))
            .annotate(s_id=F("subject_id"), e_id=Cast(Value(None), output_field=BigIntegerField()))
        )
    else:
        versions = active_versions(campaign.purpose, moment)
        base = CurrentConsent.objects.filter(
            purpose=campaign.purpose, granted=True, notice_version__in=versions
        ).annotate(s_id=F("subject_id"), e_id=F("event_id"))
    if campaign.segment_language:
        base = base.filter(
            Exists(
                MarketingProfile.objects.filter(
                    subject=OuterRef("subject_id"),
                    use_language=True,
                    language=campaign.segment_language,
                )
            )
        )
    if campaign.segment_city:
        base = base.filter(
            Exists(
                MarketingProfile.objects.filter(
                    subject=OuterRef("subject_id"),
                    use_city=True,
                    city_tag=city_tag(campaign.segment_city),
                )
            )
        )
    if campaign.segment_product:
        base = base.filter(
            Exists(
                ProductTag.objects.filter(
                    subject=OuterRef("subject_id"), tag=product_tag(campaign.segment_product)
                )
            )
        )
    suppressed = ProfileValue.objects.filter(
        subject=OuterRef("subject_id"),
        item=CONTACT_ITEM[Channel(campaign.channel)],
        is_primary=True,
        lookup__in=Suppression.objects.filter(channel=campaign.channel).values("digest"),
    )
    # Restricted processing and objections to direct marketing (GDPR art. 18, 21(3)).
    return base.exclude(Exists(suppressed)).exclude(
        subject_id__in=suppressed_subject_ids().values("pk")
    )


def campaigns_list() -> QuerySet[Campaign]:
    """Every campaign, newest first, with its delivery counts (one query)."""
    return Campaign.objects.annotate(
        n_total=Count("recipients"),
        **{
            f"n_{status}": Count("recipients", filter=Q(recipients__status=status))
            for status in Recipient.Status.values
        },
    ).order_by("-created_at", "-pk")


def campaign_get(public_id: UUID) -> Campaign | None:
    return campaigns_list().filter(public_id=public_id).first()


def inclusions_of(subject: Subject) -> QuerySet[Recipient]:
    """The campaigns the person was included in, newest first, with the consent used."""
    return (
        Recipient.objects.filter(subject=subject)
        .select_related("campaign", "consent_event", "campaign__merchant")
        .order_by("-included_at", "-pk")
    )
