"""The stamp card: a stamp program gives one stamp a visit; a full card becomes the
reward, and its stamps are spent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kliento.common.errors import DomainError, ErrorCode
from kliento.visits.rules.base import (
    REWARD,
    STAMPS,
    EarningRule,
    Settlement,
    Visiting,
    count_field,
)

if TYPE_CHECKING:
    from kliento.visits.models import LoyaltyProgram


class StampCard(EarningRule):
    key = "stamps_required"
    order = 40
    kinds = (STAMPS,)
    fieldset = "stamps"
    term = REWARD

    def model_fields(self) -> dict[str, models.Field[Any, Any]]:
        return {"stamps_required": models.PositiveIntegerField(default=10)}

    def form_fields(self) -> dict[str, forms.Field]:
        return {"stamps_required": count_field(gettext_lazy("Stamps to a reward"), initial=10)}

    def validate(self, kind: str, params: dict[str, int]) -> None:
        if self.applies_to(kind) and params.get("stamps_required", 10) < 1:
            raise DomainError(ErrorCode.VALUE_INVALID, _("A stamp card needs at least one stamp."))

    def explain(self, program: LoyaltyProgram) -> str:
        required = self.value(program)
        return ngettext(
            "%(reward)s after %(stamps)s stamp", "%(reward)s after %(stamps)s stamps", required
        ) % {"reward": program.reward_name, "stamps": required}

    def stamps(self, program: LoyaltyProgram, visiting: Visiting) -> int:
        return 1

    def settle(self, program: LoyaltyProgram, points: int, stamps: int) -> Settlement | None:
        required = self.value(program)
        if stamps < required:
            return None
        return Settlement(stamps=required, reason="stamp card full")
