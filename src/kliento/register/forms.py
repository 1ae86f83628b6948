"""Profile forms: one form per catalogue item, its fields chosen by the item's kind.

The forms only shape the input; the register's services validate and normalise it
(one set of rules for pages and the API), and a refusal becomes a form error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.register.catalogue import Item, ValueKind
from kliento.register.values import ADDRESS_FIELDS

ADDRESS_LABELS = {
    "street": _("Street address"),
    "postal_code": _("Postal code"),
    "city": _("City"),
    "country": _("Country code"),
}
ADDRESS_ATTRS: dict[str, dict[str, str]] = {
    "street": {"autocomplete": "street-address"},
    "postal_code": {"autocomplete": "postal-code", "inputmode": "numeric"},
    "city": {"autocomplete": "address-level2"},
    "country": {"autocomplete": "country", "maxlength": "2", "size": "3"},
}
ADDRESS_MAX = {"street": 150, "postal_code": 12, "city": 80, "country": 2}


def _value_field(item: Item) -> forms.Field:
    """The one field for a non-address item, with the widget its kind calls for."""
    common: dict[str, Any] = {"label": item.label, "help_text": item.help_text}
    if item.kind == ValueKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *item.choices], **common)
    widget: forms.Widget
    attrs: dict[str, str] = {}
    if item.kind == ValueKind.LONG_TEXT:
        widget = forms.Textarea(attrs={"rows": "4"})
    elif item.kind == ValueKind.EMAIL:
        widget = forms.EmailInput(attrs={"autocomplete": "email"})
    elif item.kind == ValueKind.PHONE:
        attrs = {"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        widget = forms.TextInput(attrs=attrs)
        common["help_text"] = _("For example 040 123 4567 or +46 70 123 4567.")
    elif item.kind == ValueKind.DATE:
        widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    elif item.kind == ValueKind.TAGS:
        widget = forms.TextInput()
        common["help_text"] = _("Separate with commas.")
    else:
        widget = forms.TextInput(attrs=_autocomplete(item.key))
    return forms.CharField(max_length=item.max_length, widget=widget, **common)


def _autocomplete(key: str) -> dict[str, str]:
    hint = {"first_name": "given-name", "last_name": "family-name", "username": "nickname"}
    return {"autocomplete": hint[key]} if key in hint else {}


class ProfileValueForm(forms.Form):
    """Add or correct one value of ``item``."""

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        if item.kind == ValueKind.ADDRESS:
            for name in ADDRESS_FIELDS:
                self.fields[name] = forms.CharField(
                    label=ADDRESS_LABELS[name],
                    max_length=ADDRESS_MAX[name],
                    required=name in ("street", "city"),
                    widget=forms.TextInput(attrs=ADDRESS_ATTRS[name]),
                )
            self.fields["country"].help_text = _("Two letters, such as FI, SE or EE.")
        else:
            self.fields["value"] = _value_field(item)

    @staticmethod
    def initial_for(item: Item, value: Any) -> dict[str, Any]:
        """Form initial data from a stored value."""
        if item.kind == ValueKind.ADDRESS and isinstance(value, dict):
            return {name: value.get(name, "") for name in ADDRESS_FIELDS}
        if item.kind == ValueKind.TAGS and isinstance(value, list):
            return {"value": ", ".join(value)}
        return {"value": value}

    @property
    def value(self) -> Any:
        """The raw value for the register's services (after ``is_valid()``)."""
        if self.item.kind == ValueKind.ADDRESS:
            return {name: self.cleaned_data.get(name, "") for name in ADDRESS_FIELDS}
        return self.cleaned_data["value"]

    @property
    def domain_error_field(self) -> str | None:
        """Where a service's refusal shows: beside the value (an address has several)."""
        return None if self.item.kind == ValueKind.ADDRESS else "value"
