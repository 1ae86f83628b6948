"""Forms of the merchant portal. They shape input; the services decide, and a service's
refusal becomes a form error."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kliento.merchants.models import Membership, Premises


class PremisesChoiceField(forms.ModelChoiceField):
    """Premises by public id, labelled by name (``str()`` would fetch each merchant)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PremisesMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PremisesForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    street = forms.CharField(
        label=_("Street address"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\s*\d{5}\s*$",
        required=False,
        error_messages={"invalid": _("A postal code has five digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    city = forms.CharField(label=_("City"), max_length=60, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"))
    premises = PremisesMultipleChoiceField(
        label=_("Premises"),
        queryset=Premises.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where a cashier works. Owners and managers work everywhere."),
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = Membership.Role.choices
        if membership.role != Membership.Role.OWNER:
            roles = [r for r in roles if r[0] != Membership.Role.OWNER]
        cast(forms.ChoiceField, self.fields["role"]).choices = roles
        self.fields["role"].initial = Membership.Role.CASHIER
        premises_field = cast(forms.ModelChoiceField, self.fields["premises"])
        premises_field.queryset = Premises.objects.filter(merchant=membership.merchant).order_by(
            "name"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Membership.Role.CASHIER and not data.get("premises"):
            self.add_error("premises", _("Choose the premises where the cashier works."))
        return data


class TerminalForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("For example: Till 1 or Door reader.")
    )
    premises = PremisesChoiceField(
        label=_("Premises"), queryset=Premises.objects.none(), to_field_name="public_id"
    )

    def __init__(self, *args: Any, premises: QuerySet[Premises], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["premises"])
        field.queryset = premises
        field.empty_label = None
