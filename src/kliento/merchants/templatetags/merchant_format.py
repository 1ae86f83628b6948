"""Template filters of the merchant portal."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """Cents as euros in the active language's format: 1250 -> "12,50 €"."""
    if cents is None:
        return "—"
    return f"{formats.number_format(Decimal(cents) / 100, 2, use_l10n=True)} €"
