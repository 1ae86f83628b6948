"""Recipients in the Django admin: read-only, for administrators. Their webhook signing
secret (sealed) is never shown; recipients are registered and their secrets rotated at
/staff/recipients/, which audits."""

from __future__ import annotations

from django.contrib import admin

from kliento.accounts.admin_site import ReadOnlyModelAdmin
from kliento.disclosures.models import Recipient


@admin.register(Recipient)
class RecipientAdmin(ReadOnlyModelAdmin):
    fields = (
        "public_id", "kind", "name", "card_issuer", "consent_purpose", "items", "purposes",
        "tasks", "agreement_reference", "agreement_date", "country", "transfer_safeguard",
        "webhook_url", "is_active", "created_at", "updated_at",
    )  # fmt: skip
    list_display = ("name", "kind", "card_issuer", "country", "is_active", "created_at")
    list_filter = ("kind", "is_active", "country")
    list_select_related = ("card_issuer",)
    search_fields = ("name", "agreement_reference", "=public_id")
    ordering = ("kind", "name", "pk")
