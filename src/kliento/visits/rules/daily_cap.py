"""A daily cap: a card earns at most so many times a day (the service's local day)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.visits.rules.base import LimitRule, Visiting, count_field

if TYPE_CHECKING:
    from kliento.visits.models import LoyaltyProgram


class DailyCap(LimitRule):
    key = "daily_cap"
    order = 60
    reason = "daily_cap"
    skipped_text = gettext_lazy("Nothing earned: this card reached today's limit.")

    def model_fields(self) -> dict[str, models.Field[Any, Any]]:
        return {"daily_cap": models.PositiveIntegerField(default=0, help_text="0: no cap")}

    def form_fields(self) -> dict[str, forms.Field]:
        return {
            "daily_cap": count_field(
                gettext_lazy("Most earnings per card per day"),
                gettext_lazy("0: no limit."),
                initial=0,
            )
        }

    def explain(self, program: LoyaltyProgram) -> str | None:
        cap = self.value(program)
        return _("%(cap)s a day") % {"cap": cap} if cap else None

    def refuses(self, program: LoyaltyProgram, visiting: Visiting) -> bool:
        cap = self.value(program)
        if not cap:
            return False
        start_of_day = timezone.localtime(visiting.at).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        return visiting.earlier_earnings.filter(at__gte=start_of_day).count() >= cap
