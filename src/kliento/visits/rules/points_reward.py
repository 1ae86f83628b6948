"""A reward for points: at the till, a points program's reward is claimed for so many
points (0: its rewards are not claimed with points)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy, ngettext

from kliento.visits.rules.base import POINTS, REWARD, Rule, count_field

if TYPE_CHECKING:
    from kliento.visits.models import LoyaltyProgram


class PointsReward(Rule):
    key = "reward_points"
    order = 30
    kinds = (POINTS,)
    fieldset = "points"
    term = REWARD

    def model_fields(self) -> dict[str, models.Field[Any, Any]]:
        return {
            "reward_points": models.PositiveIntegerField(
                default=0, help_text="Points a reward costs."
            )
        }

    def form_fields(self) -> dict[str, forms.Field]:
        return {
            "reward_points": count_field(
                gettext_lazy("Points a reward costs"),
                gettext_lazy("0: rewards are not claimed with points."),
                initial=0,
            )
        }

    def explain(self, program: LoyaltyProgram) -> str | None:
        cost = self.value(program)
        if not cost:
            return None
        points = ngettext("%(points)s point", "%(points)s points", cost) % {"points": cost}
        return f"{program.reward_name} · {points}"

    def claim_cost(self, program: LoyaltyProgram) -> int:
        return self.value(program) if self.applies_to(program.kind) else 0
