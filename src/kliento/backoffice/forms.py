"""Forms of the back-office."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.audit.labels import ACTOR_KIND_LABELS
from kliento.privacy.forms import DateRangeForm


class PersonSearchForm(forms.Form):
    """Find a person by one exact value pasted as it is; its kind is detected. Nothing is
    searched by a part of a value."""

    value = forms.CharField(
        label=_("E-mail address, phone number or card number"),
        max_length=254,
        help_text=_(
            "Paste the whole value: for example anna@example.fi, 040 123 4567, "
            "+358 40 123 4567 or 9246 1234 5678 9012."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_value(self) -> str:
        return str(self.cleaned_data["value"]).strip()


class OpenProfileForm(forms.Form):
    """Why a staff member opens a profile: a purpose, a ticket number, or both."""

    purpose = forms.CharField(
        label=_("Reason for opening"),
        max_length=200,
        required=False,
        help_text=_("For example: the customer called to correct their address."),
    )
    ticket = forms.CharField(
        label=_("Ticket number"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        purpose = str(data.get("purpose") or "").strip()
        ticket = str(data.get("ticket") or "").strip()
        if not self.errors and not purpose and not ticket:
            raise forms.ValidationError(
                _("State why you open this profile: a reason, a ticket number or both."),
                code="reason_required",
            )
        data["purpose"], data["ticket"] = purpose, ticket
        return data

    @property
    def stated_purpose(self) -> str:
        """The purpose recorded in the audit log (the ticket stands in when it is alone)."""
        purpose = str(self.cleaned_data["purpose"])
        return purpose or f"ticket {self.cleaned_data['ticket']}"


class AuditFilterForm(DateRangeForm):
    """Filters of the audit log page."""

    subject = forms.UUIDField(
        label=_("Person (pseudonymous id)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    actor_kind = forms.ChoiceField(
        label=_("Kind of actor"),
        required=False,
        choices=[("", _("Anyone")), *ACTOR_KIND_LABELS.items()],
    )
    actor = forms.CharField(
        label=_("Actor id"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ("subject", "actor_kind", "actor", "since", "until")
