"""Reads of the card stock for the back-office: batches with their counts, and issuers."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kliento.cards.models import CardBatch, CardIssuer
from kliento.common.errors import DomainError, ErrorCode


def batches_all() -> QuerySet[CardBatch]:
    """Every batch, newest first, with ``registered`` and ``unregistered`` card counts
    (one query)."""
    return (
        CardBatch.objects.defer("wrapped_secret")
        .annotate(
            registered=Count("cards", filter=Q(cards__holder__isnull=False)),
            unregistered=Count("cards", filter=Q(cards__holder__isnull=True)),
        )
        .order_by("-created_at", "-pk")
    )


def batch_get(*, batch_id: UUID) -> CardBatch:
    """One batch with its counts; NOT_FOUND when there is none."""
    batch = batches_all().filter(public_id=batch_id).first()
    if batch is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return batch


def issuers_all() -> QuerySet[CardIssuer]:
    """Every card issuer by name, with the number of its cards (one query)."""
    return CardIssuer.objects.annotate(card_count=Count("cards")).order_by("name", "pk")


def issuer_get(*, issuer_id: UUID) -> CardIssuer:
    """One card issuer; NOT_FOUND when there is none."""
    issuer = issuers_all().filter(public_id=issuer_id).first()
    if issuer is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return issuer
