"""Points per euro: a points program gives so many points for each whole euro spent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.visits.rules.base import EARNING, POINTS, EarningRule, Visiting, count_field

if TYPE_CHECKING:
    from kliento.visits.models import LoyaltyProgram


class PointsPerEuro(EarningRule):
    key = "points_per_euro"
    order = 10
    kinds = (POINTS,)
    fieldset = "points"
    row = "points"
    term = EARNING

    def model_fields(self) -> dict[str, models.Field[Any, Any]]:
        return {"points_per_euro": models.PositiveIntegerField(default=0)}

    def form_fields(self) -> dict[str, forms.Field]:
        return {"points_per_euro": count_field(gettext_lazy("Points per euro"), initial=0)}

    def explain(self, program: LoyaltyProgram) -> str:
        return _("%(euro)s per euro") % {"euro": self.value(program)}

    def points(self, program: LoyaltyProgram, visiting: Visiting) -> int:
        return self.value(program) * (visiting.amount_cents or 0) // 100
