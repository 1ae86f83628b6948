"""Consent forms: giving and withdrawing take the same steps (tick, then press)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
