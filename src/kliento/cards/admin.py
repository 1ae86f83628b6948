"""Card issuers in the Django admin: read-only, for administrators. Cards themselves are
personal data (who holds which card) and stay out of the admin."""

from __future__ import annotations

from django.contrib import admin

from kliento.accounts.admin_site import ReadOnlyModelAdmin
from kliento.cards.models import CardIssuer


@admin.register(CardIssuer)
class CardIssuerAdmin(ReadOnlyModelAdmin):
    fields = ("public_id", "name", "kind", "merchant")
    list_display = ("name", "kind", "merchant")
    list_filter = ("kind",)
    list_select_related = ("merchant",)
    search_fields = ("name", "merchant__name", "=public_id")
    ordering = ("kind", "name", "pk")
