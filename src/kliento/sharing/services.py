"""Granting and withdrawing what merchants see; joining and leaving merchants."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.common.errors import DomainError, ErrorCode
from kliento.merchants.models import Merchant
from kliento.register import catalogue
from kliento.register.models import Subject
from kliento.sharing.activity import EXPORT_PURPOSE
from kliento.sharing.customer_reads import shared_profile
from kliento.sharing.models import Grant, Relationship
from kliento.sharing.selectors import grants_version


def _shareable(item_key: str) -> catalogue.Item:
    item = catalogue.get(item_key)
    if not item.shareable:
        raise DomainError(
            ErrorCode.ITEM_NOT_SUPPORTED,
            _("This item cannot be shared with merchants."),
            details={"item": item_key},
        )
    return item


def _context(merchant: Merchant) -> dict[str, str]:
    return {"merchant": str(merchant.public_id)}


@transaction.atomic
def relationship_join(*, subject: Subject, merchant: Merchant, actor: Actor) -> Relationship:
    """The person opts in as a customer of an approved merchant."""
    require_actor(actor)
    if not merchant.is_active:
        raise DomainError(ErrorCode.MERCHANT_INACTIVE, _("This merchant is not approved."))
    relationship, created = Relationship.objects.get_or_create(subject=subject, merchant=merchant)
    if created:
        audit_record(
            actor=actor, action=AuditAction.SHARING_JOIN, subject_id=subject.public_id,
            context=_context(merchant),
        )  # fmt: skip
    return relationship


@transaction.atomic
def relationship_leave(*, subject: Subject, merchant: Merchant, actor: Actor) -> None:
    """Leave a merchant: every grant to it is withdrawn at once."""
    require_actor(actor)
    items = sorted(
        Grant.objects.filter(subject=subject, merchant=merchant).values_list("item", flat=True)
    )
    Grant.objects.filter(subject=subject, merchant=merchant).delete()
    Relationship.objects.filter(subject=subject, merchant=merchant).delete()
    audit_record(
        actor=actor, action=AuditAction.SHARING_LEAVE, subject_id=subject.public_id, items=items,
        context=_context(merchant),
    )  # fmt: skip


@transaction.atomic
def grants_set(
    *,
    subject: Subject,
    merchant: Merchant,
    items: Iterable[str],
    actor: Actor,
    confirm_special_for: str = "",
    expected_version: str | None = None,
) -> list[str]:
    """Make exactly ``items`` shared with ``merchant``; returns the items now shared.

    A special-category item (allergies) is shared only when ``confirm_special_for``
    repeats the merchant's name: an explicit, separate confirmation. Nothing is shared
    by default; an invalid item refuses the whole change. ``expected_version`` (from
    ``selectors.grants_version`` when the form was rendered) refuses a stale form: one
    sent after the grants changed elsewhere, for example after a withdrawal.
    """
    require_actor(actor)
    if not merchant.is_active:
        raise DomainError(ErrorCode.MERCHANT_INACTIVE, _("This merchant is not approved."))
    wanted = {_shareable(key).key for key in items}
    special = {key for key in wanted if catalogue.BY_KEY[key].special_category}
    current = {
        g.item: g
        for g in Grant.objects.select_for_update()
        .filter(subject=subject, merchant=merchant)
        .order_by("pk")
    }
    if expected_version is not None and expected_version != grants_version(
        subject=subject, merchant=merchant
    ):
        raise DomainError(
            ErrorCode.CHANGED_SINCE_READ,
            _(
                "What you share with this merchant changed after this page was opened. "
                "Nothing was changed: check the choices below and save again."
            ),
        )
    new_special = special - set(current)
    if new_special and confirm_special_for.strip().casefold() != merchant.name.casefold():
        raise DomainError(
            ErrorCode.CONFIRMATION_REQUIRED,
            _("Confirm sharing health data by typing the merchant's name."),
            details={"items": sorted(new_special), "merchant": merchant.name},
        )
    Relationship.objects.get_or_create(subject=subject, merchant=merchant)
    now = timezone.now()
    added = sorted(wanted - set(current))
    removed = sorted(set(current) - wanted)
    Grant.objects.filter(subject=subject, merchant=merchant, item__in=removed).delete()
    Grant.objects.bulk_create(
        Grant(
            subject=subject,
            merchant=merchant,
            item=key,
            granted_at=now,
            confirmed_special_at=now if key in special else None,
        )
        for key in added
    )
    if added:
        audit_record(
            actor=actor, action=AuditAction.SHARING_GRANT, subject_id=subject.public_id,
            items=added,
            context=_context(merchant),
        )  # fmt: skip
    if removed:
        audit_record(
            actor=actor, action=AuditAction.SHARING_WITHDRAW, subject_id=subject.public_id,
            items=removed,
            context=_context(merchant),
        )  # fmt: skip
    return sorted(wanted)


@transaction.atomic
def customer_disclose(*, subject: Subject, merchant: Merchant, actor: Actor) -> dict[str, Any]:
    """Hand the shared items of one customer to the merchant outside the service (a CSV
    export): the values are read fresh, and the read and the disclosure are recorded in
    the same transaction as an audit entry ``disclosure.merchant_export`` for the person."""
    require_actor(actor)
    shared = shared_profile(subject=subject, merchant=merchant, actor=actor, purpose=EXPORT_PURPOSE)
    audit_record(
        actor=actor, action=AuditAction.DISCLOSURE_MERCHANT_EXPORT, subject_id=subject.public_id,
        items=sorted(shared), purpose=EXPORT_PURPOSE, context=_context(merchant),
    )  # fmt: skip
    return shared
