"""Merchants, premises and terminals in the Django admin: read-only, for administrators.

Approvals, premises and terminals change through the merchant portal and the back-office
services (they audit); terminal tokens are never shown.
"""

from __future__ import annotations

from django.contrib import admin

from kliento.accounts.admin_site import ReadOnlyModelAdmin
from kliento.merchants.models import Merchant, Premises, Terminal


@admin.register(Merchant)
class MerchantAdmin(ReadOnlyModelAdmin):
    fields = (
        "public_id", "name", "business_id", "status", "status_reason", "created_at", "approved_at",
    )  # fmt: skip
    list_display = ("name", "business_id", "status", "created_at", "approved_at")
    list_filter = ("status",)
    search_fields = ("name", "business_id", "=public_id")
    date_hierarchy = "created_at"
    ordering = ("name", "pk")


@admin.register(Premises)
class PremisesAdmin(ReadOnlyModelAdmin):
    fields = (
        "public_id", "merchant", "name", "street", "postal_code", "city", "is_open", "created_at",
    )  # fmt: skip
    list_display = ("name", "merchant", "city", "is_open", "created_at")
    list_filter = ("is_open", "merchant__status")
    list_select_related = ("merchant",)
    search_fields = ("name", "city", "postal_code", "merchant__name", "=public_id")
    ordering = ("merchant__name", "name", "pk")


@admin.register(Terminal)
class TerminalAdmin(ReadOnlyModelAdmin):
    # ``token`` is left out: the admin never shows or links a terminal's credential.
    fields = ("public_id", "name", "premises", "created_at", "revoked_at")
    list_display = ("name", "premises", "merchant_name", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("premises__merchant",)
    search_fields = ("name", "premises__name", "premises__merchant__name", "=public_id")
    ordering = ("premises__merchant__name", "premises__name", "name", "pk")

    @admin.display(description=Merchant._meta.verbose_name, ordering="premises__merchant__name")
    def merchant_name(self, terminal: Terminal) -> str:
        return terminal.premises.merchant.name
