"""Forms of the request tracker and of the person's signed-link pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.dsr.models import Fee, RequestChannel, RequestKind, RequestStatus

STATE_CHOICES = (("open", _("Open")), ("closed", _("Closed")), ("all", _("All")))


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), choices=STATE_CHOICES, required=False)


class RequestCreateForm(forms.Form):
    login_email = forms.EmailField(
        label=_("The person's login e-mail address"),
        max_length=254,
        help_text=_("The confirmation link goes only to this registered address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(label=_("Kind of request"), choices=RequestKind.choices)
    channel = forms.ChoiceField(label=_("Came in by"), choices=RequestChannel.choices)
    details = forms.CharField(
        label=_("What the person asked"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extend by"),
        coerce=int,
        choices=((1, _("One month")), (2, _("Two months"))),
    )
    reason = forms.CharField(
        label=_("Reason (sent to the person)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=((RequestStatus.COMPLETED, _("Completed")), (RequestStatus.REFUSED, _("Refused"))),
    )
    outcome = forms.CharField(
        label=_("Answer to the person"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent by e-mail to the person's login e-mail address."),
    )


class FeeForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=Fee.Ground.choices)
    amount = forms.DecimalField(
        label=_("Amount in euros"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100.00"),
        decimal_places=2,
        max_digits=5,
    )
    reason = forms.CharField(
        label=_("Written reason (shown to the person)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def amount_cents(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the restriction ends (sent to the person)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeeAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=(("accept", _("Accept")), ("decline", _("Decline"))),
        widget=forms.HiddenInput,
    )
