"""A minimum purchase: a visit earns only when the purchase is at least so much."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.merchants.templatetags.merchant_format import euros
from kliento.visits.rules.base import LimitRule, Visiting, euros_field

if TYPE_CHECKING:
    from kliento.visits.models import LoyaltyProgram


class MinPurchase(LimitRule):
    key = "min_purchase_cents"
    order = 70
    queries = False
    reason = "below_minimum_purchase"
    skipped_text = gettext_lazy("Nothing earned: the purchase is below the minimum.")

    def model_fields(self) -> dict[str, models.Field[Any, Any]]:
        return {"min_purchase_cents": models.PositiveIntegerField(default=0)}

    def form_fields(self) -> dict[str, forms.Field]:
        return {
            "min_purchase": euros_field(
                gettext_lazy("Minimum purchase in euros"),
                gettext_lazy("0: every visit earns."),
                initial=Decimal(0),
            )
        }

    def initial(self, program: LoyaltyProgram) -> dict[str, Any]:
        return {"min_purchase": Decimal(self.value(program)) / 100}

    def params(self, cleaned_data: dict[str, Any]) -> dict[str, int]:
        amount = cleaned_data.get("min_purchase")
        return {"min_purchase_cents": 0 if amount is None else int(amount * 100)}

    def explain(self, program: LoyaltyProgram) -> str | None:
        cents = self.value(program)
        return _("purchase at least %(amount)s") % {"amount": euros(cents)} if cents else None

    def refuses(self, program: LoyaltyProgram, visiting: Visiting) -> bool:
        minimum = self.value(program)
        return bool(minimum) and (visiting.amount_cents or 0) < minimum
