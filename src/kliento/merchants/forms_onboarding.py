"""Forms of merchant onboarding: the public application and the verification page.
They shape input; the services in onboarding.py decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.merchants.models import MerchantApplication


class ApplicationForm(forms.Form):
    business_name = forms.CharField(
        label=_("Business name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    business_id = forms.CharField(
        label=_("Business ID (Y-tunnus)"),
        max_length=12,
        help_text=_("Seven digits, a hyphen and a check digit, for example 1234567-8."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact_name = forms.CharField(
        label=_("Contact person's name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send a link to confirm it. This address becomes the owner's login."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    premises_name = forms.CharField(
        label=_("Name of your first premises"),
        max_length=120,
        help_text=_("For example: Café Aalto, Kamppi."),
    )
    street = forms.CharField(
        label=_("Street address"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\s*\d{5}\s*$",
        error_messages={"invalid": _("A postal code has five digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    language = forms.ChoiceField(
        label=_("Language for our messages"), choices=MerchantApplication.Language.choices
    )


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The passwords do not match."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,  # the service refuses an empty reason with its own message
        widget=forms.Textarea(attrs={"rows": 3}),
    )
