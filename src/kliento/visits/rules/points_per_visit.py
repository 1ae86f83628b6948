"""Points per visit: a points program gives so many points for every visit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.visits.rules.base import EARNING, POINTS, EarningRule, Visiting, count_field

if TYPE_CHECKING:
    from kliento.visits.models import LoyaltyProgram


class PointsPerVisit(EarningRule):
    key = "points_per_visit"
    order = 20
    kinds = (POINTS,)
    fieldset = "points"
    row = "points"
    term = EARNING

    def model_fields(self) -> dict[str, models.Field[Any, Any]]:
        return {"points_per_visit": models.PositiveIntegerField(default=0)}

    def form_fields(self) -> dict[str, forms.Field]:
        return {"points_per_visit": count_field(gettext_lazy("Points per visit"), initial=0)}

    def explain(self, program: LoyaltyProgram) -> str:
        return _("%(visit)s per visit") % {"visit": self.value(program)}

    def points(self, program: LoyaltyProgram, visiting: Visiting) -> int:
        return self.value(program)
