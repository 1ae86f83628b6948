"""The back-office forms of the card stock. They only shape the input; the services in
:mod:`kliento.cards.batches` and :mod:`kliento.cards.issuers` check it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.cards.batches import BATCH_MAX_SIZE, BATCH_MIN_SIZE
from kliento.cards.issuers import EDITABLE_KINDS


class BatchIssueForm(forms.Form):
    size = forms.IntegerField(
        label=_("Number of cards"),
        help_text=_("From 1 to 10 000 cards."),
        widget=forms.NumberInput(
            attrs={"min": BATCH_MIN_SIZE, "max": BATCH_MAX_SIZE, "inputmode": "numeric"}
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Optional, for example the printing house's order number."),
    )


class BatchVoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for voiding"),
        max_length=200,
        help_text=_("For the audit log, for example: the print run was lost in delivery."),
    )


class IssuerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in EDITABLE_KINDS],
    )
