"""Consent forms. On the consents page giving and withdrawing are one button each;
the health-data page keeps its explicit tick-then-press step for both."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
