"""The items a person allows for choosing offers, kept in a form SQL can filter.

Only what the person ticks is stored: the language in clear (it is the language the
service speaks to them, not sensitive), the city and each favourite product as a keyed
HMAC tag (``register.crypto.blind_index``), so a segment matches equal values without
the table holding readable values. The values are taken from the profile whenever the
person saves their choice (docs/decisions/0011-marketing-segments.md).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.common import crypto
from kliento.common.errors import DomainError, ErrorCode
from kliento.marketing.models import MarketingProfile, ProductTag
from kliento.register import services as register
from kliento.register.models import Subject

SEGMENT_ITEMS = ("address", "favourite_products")


def normalise(text: str) -> str:
    """Case, accents as typed, spaces: ``" Helsinki "`` and ``"helsinki"`` are one city."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def city_tag(city: str) -> bytes:
    return crypto.blind_index("marketing_city", normalise(city))


def product_tag(product: str) -> bytes:
    return crypto.blind_index("marketing_product", normalise(product))


@dataclass(frozen=True)
class SegmentChoice:
    use_language: bool
    use_city: bool
    use_products: bool


def marketing_profile_of(subject: Subject) -> MarketingProfile | None:
    """The person's marketing choices, or None when they have never made any."""
    return MarketingProfile.objects.filter(subject=subject).first()


@transaction.atomic
def marketing_profile_set(*, subject: Subject, choice: SegmentChoice, actor: Actor) -> None:
    """Store what the person allows for choosing offers, from their profile as it is now;
    anything not allowed is deleted. Only the person decides this."""
    require_actor(actor)
    if not actor.is_user(subject.user):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "Only the person decides this.")
    values = register.profile_read(
        subject=subject, actor=actor, purpose="marketing segments", items=SEGMENT_ITEMS
    )
    city = ""
    addresses = values.get("address") or []
    if choice.use_city and addresses and isinstance(addresses[0].value, dict):
        city = str(addresses[0].value.get("city", ""))
    products: list[str] = []
    if choice.use_products and values.get("favourite_products"):
        products = [str(p) for p in values["favourite_products"][0].value]
    language = ""
    if choice.use_language and subject.user is not None:
        language = subject.user.language
    MarketingProfile.objects.update_or_create(
        subject=subject,
        defaults={
            "use_language": choice.use_language,
            "use_city": choice.use_city,
            "use_products": choice.use_products,
            "language": language,
            "city_tag": city_tag(city) if city else None,
            "updated_at": timezone.now(),
        },
    )
    ProductTag.objects.filter(subject=subject).delete()
    ProductTag.objects.bulk_create(
        [ProductTag(subject=subject, tag=tag) for tag in {product_tag(p) for p in products}]
    )
    audit_record(
        actor=actor,
        action=AuditAction.MARKETING_SEGMENTS_SET,
        subject_id=subject.public_id,
        items=["marketing_segments"],
        context={
            "language": choice.use_language,
            "city": choice.use_city,
            "products": choice.use_products,
        },
    )
