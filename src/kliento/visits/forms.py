"""Forms of the merchant portal's check-in screen, visits and loyalty programs. They
shape input; the services decide, and a service's refusal becomes a form error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kliento.merchants.forms import DomainErrorsMixin, PremisesChoiceField
from kliento.merchants.models import Premises
from kliento.visits.models import LoyaltyProgram
from kliento.visits.services import ProgramTerms


class CheckinForm(DomainErrorsMixin, forms.Form):
    card = forms.CharField(
        label=_("Card number or code"),
        max_length=200,
        help_text=_("Type the number, scan the card with a reader, or use the camera."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "class": "card-input",
            }
        ),
    )
    amount = forms.DecimalField(
        label=_("Purchase in euros (optional)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100_000),
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    premises = PremisesChoiceField(
        label=_("Premises"), queryset=Premises.objects.none(), to_field_name="public_id"
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, premises: QuerySet[Premises], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["premises"])
        field.queryset = premises
        field.empty_label = None

    @property
    def amount_cents(self) -> int | None:
        amount = self.cleaned_data.get("amount")
        return None if amount is None else int(amount * 100)


class RedeemCodeForm(DomainErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Reward code"),
        min_length=4,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ReverseForm(DomainErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: wrong card, or the purchase was cancelled."),
    )


class VisitFilterForm(forms.Form):
    premises = PremisesChoiceField(
        label=_("Premises"),
        queryset=Premises.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All premises"),
    )

    def __init__(self, *args: Any, premises: QuerySet[Premises], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["premises"])
        field.queryset = premises


def _count(label: Any, help_text: Any = "", **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class ProgramForm(DomainErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Program name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=LoyaltyProgram.Kind.choices, widget=forms.RadioSelect
    )
    points_per_euro = _count(_("Points per euro"), initial=0)
    points_per_visit = _count(_("Points per visit"), initial=0)
    reward_points = _count(
        _("Points a reward costs"), _("0: rewards are not claimed with points."), initial=0
    )
    stamps_required = _count(_("Stamps to a reward"), initial=10)
    reward_name = forms.CharField(
        label=_("Reward"), max_length=120, help_text=_("For example: a free coffee.")
    )
    reward_valid_days = _count(_("Reward valid for (days)"), initial=90)
    min_minutes_between = _count(
        _("Minimum minutes between stamps or points per card"), _("0: no limit."), initial=0
    )
    daily_cap = _count(_("Most earnings per card per day"), _("0: no limit."), initial=0)
    min_purchase = forms.DecimalField(
        label=_("Minimum purchase in euros"),
        help_text=_("0: every visit earns."),
        min_value=Decimal(0),
        max_value=Decimal(100_000),
        decimal_places=2,
        initial=Decimal(0),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("A program's kind cannot change.")
        else:
            del self.fields["is_active"]

    @classmethod
    def initial_for(cls, program: LoyaltyProgram) -> dict[str, Any]:
        fields = [
            "name", "kind", "points_per_euro", "points_per_visit", "reward_points",
            "stamps_required", "reward_name", "reward_valid_days", "min_minutes_between",
            "daily_cap", "is_active",
        ]  # fmt: skip
        initial = {name: getattr(program, name) for name in fields}
        initial["min_purchase"] = Decimal(program.min_purchase_cents) / 100
        return initial

    @property
    def terms(self) -> ProgramTerms:
        data = self.cleaned_data
        return ProgramTerms(
            name=data["name"], kind=data["kind"], reward_name=data["reward_name"],
            points_per_euro=data["points_per_euro"], points_per_visit=data["points_per_visit"],
            stamps_required=data["stamps_required"], reward_points=data["reward_points"],
            reward_valid_days=data["reward_valid_days"],
            min_minutes_between=data["min_minutes_between"], daily_cap=data["daily_cap"],
            min_purchase_cents=int(data["min_purchase"] * 100),
        )  # fmt: skip
