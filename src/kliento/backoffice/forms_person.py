"""Forms of customer service's actions in the person view. Each needs a reason: it goes
to the audit log and the person sees it in their Activity."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.visits.models import LoyaltyProgram

CORRECTION_LIMIT = 100_000


class ReasonForm(forms.Form):
    """An action on the person's behalf with the reason customer service gives."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example the ticket number and what the person asked. They see it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."), code="required")
        return reason


class LedgerCorrectionForm(ReasonForm):
    """A compensating entry: points and stamps to add (positive) or remove (negative)."""

    program = forms.ChoiceField(label=_("Loyalty program"))
    points = forms.IntegerField(
        label=_("Points to add or remove"),
        initial=0,
        min_value=-CORRECTION_LIMIT,
        max_value=CORRECTION_LIMIT,
        help_text=_("Negative to remove, for example -20."),
    )
    stamps = forms.IntegerField(
        label=_("Stamps to add or remove"),
        initial=0,
        min_value=-CORRECTION_LIMIT,
        max_value=CORRECTION_LIMIT,
    )
    field_order = ("program", "points", "stamps", "reason")

    def __init__(self, *args: Any, programs: list[LoyaltyProgram], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programs = {str(p.public_id): p for p in programs}
        field = cast(forms.ChoiceField, self.fields["program"])
        field.choices = [(key, f"{p.merchant.name}: {p.name}") for key, p in self.programs.items()]

    @property
    def chosen_program(self) -> LoyaltyProgram:
        return self.programs[self.cleaned_data["program"]]
