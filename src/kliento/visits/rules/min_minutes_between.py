"""Minutes between earnings: a card earns again only so many minutes after it last did."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.visits.rules.base import LimitRule, Visiting, count_field

if TYPE_CHECKING:
    from kliento.visits.models import LoyaltyProgram


class MinMinutesBetween(LimitRule):
    key = "min_minutes_between"
    order = 50
    reason = "too_soon"
    skipped_text = gettext_lazy("Nothing earned: too soon since this card last earned.")

    def model_fields(self) -> dict[str, models.Field[Any, Any]]:
        return {"min_minutes_between": models.PositiveIntegerField(default=0)}

    def form_fields(self) -> dict[str, forms.Field]:
        return {
            "min_minutes_between": count_field(
                gettext_lazy("Minimum minutes between stamps or points per card"),
                gettext_lazy("0: no limit."),
                initial=0,
            )
        }

    def explain(self, program: LoyaltyProgram) -> str | None:
        minutes = self.value(program)
        return _("%(minutes)s min between") % {"minutes": minutes} if minutes else None

    def refuses(self, program: LoyaltyProgram, visiting: Visiting) -> bool:
        minutes = self.value(program)
        if not minutes:
            return False
        since = visiting.at - timedelta(minutes=minutes)
        return visiting.earlier_earnings.filter(at__gt=since).exists()
