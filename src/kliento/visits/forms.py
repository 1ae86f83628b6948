"""Forms of the merchant portal's check-in screen, visits and loyalty programs. They
shape input; the services decide, and a service's refusal becomes a form error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, cast

from django import forms
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from kliento.merchants.forms import PremisesChoiceField
from kliento.merchants.models import Premises
from kliento.visits import rules
from kliento.visits.models import LoyaltyProgram
from kliento.visits.services import ProgramTerms


class CheckinForm(forms.Form):
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


class RedeemCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Reward code"),
        min_length=4,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ReverseForm(forms.Form):
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


class ProgramForm(forms.Form):
    """A program's name, kind and reward, and the fields of every loyalty rule."""

    name = forms.CharField(label=_("Program name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=LoyaltyProgram.Kind.choices, widget=forms.RadioSelect
    )
    reward_name = forms.CharField(
        label=_("Reward"), max_length=120, help_text=_("For example: a free coffee.")
    )
    reward_valid_days = rules.count_field(_("Reward valid for (days)"), initial=90)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    # The program's own fields in the fieldsets; the rules place theirs.
    OWN_FIELDSETS: ClassVar[dict[str, list[str]]] = {"reward": ["reward_name", "reward_valid_days"]}

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rule in rules.RULES:
            self.fields.update(rule.form_fields())
        if editing:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("A program's kind cannot change.")
        else:
            del self.fields["is_active"]

    def fieldsets(self) -> list[tuple[str, list[list[BoundField]]]]:
        """The form's fieldsets in order, as (legend, rows); a row of more than one field
        is shown side by side."""
        result = []
        for key, legend in rules.FIELDSETS.items():
            rows: list[list[BoundField]] = [
                [self[name]] for name in self.OWN_FIELDSETS.get(key, [])
            ]
            row_of: dict[str, list[BoundField]] = {}
            for rule in rules.RULES:
                if rule.fieldset != key:
                    continue
                fields = [self[name] for name in rule.form_fields()]
                if rule.row and rule.row in row_of:
                    row_of[rule.row].extend(fields)
                    continue
                rows.append(fields)
                if rule.row:
                    row_of[rule.row] = fields
            result.append((str(legend), rows))
        return result

    @classmethod
    def initial_for(cls, program: LoyaltyProgram) -> dict[str, Any]:
        fields = ["name", "kind", "reward_name", "reward_valid_days", "is_active"]
        initial = {name: getattr(program, name) for name in fields}
        for rule in rules.RULES:
            initial.update(rule.initial(program))
        return initial

    @property
    def terms(self) -> ProgramTerms:
        data = self.cleaned_data
        params: dict[str, int] = {}
        for rule in rules.RULES:
            params.update(rule.params(data))
        return ProgramTerms(
            name=data["name"], kind=data["kind"], reward_name=data["reward_name"],
            reward_valid_days=data["reward_valid_days"], params=params,
        )  # fmt: skip
