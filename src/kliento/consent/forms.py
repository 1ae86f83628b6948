"""Consent forms. On the consents page giving and withdrawing are one button each;
the health-data page keeps its explicit tick-then-press step for both."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.consent.purposes import PURPOSES


class ConsentChangeForm(forms.Form):
    action = forms.ChoiceField(choices=[("give", "give"), ("withdraw", "withdraw")])
    notice_version = forms.CharField(max_length=20)


class ConsentGiveForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="give")
    confirm = forms.BooleanField(
        label=_("I give my explicit consent as described above."),
        error_messages={"required": _("Tick the box to give your consent.")},
    )


class ConsentWithdrawForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, initial="withdraw")
    confirm = forms.BooleanField(
        label=_("I withdraw my consent. My allergy information is deleted at once."),
        error_messages={"required": _("Tick the box to withdraw your consent.")},
    )


class StaffConsentReadForm(forms.Form):
    """Customer service or the privacy officer, handling a complaint."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example the complaint or ticket you are handling. It is recorded."),
    )
    at = forms.DateTimeField(
        label=_("State at (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("Leave empty for now."),
    )


def _purpose_choices() -> list[tuple[str, Any]]:
    return [(p.key, p.label) for p in PURPOSES.values()]


class StaffConsentChangeForm(forms.Form):
    """A choice the person told staff (by phone, in writing), recorded on their behalf."""

    purpose = forms.ChoiceField(label=_("Consent"), choices=_purpose_choices)
    action = forms.ChoiceField(
        label=_("Choice"), choices=[("give", _("Give")), ("withdraw", _("Withdraw"))]
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("How the person told you, e.g. “Phone call, ticket 4711”."),
    )
