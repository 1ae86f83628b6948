"""Staff form for registering a recipient."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.cards.models import CardIssuer
from kliento.consent.purposes import PURPOSES
from kliento.disclosures.models import Recipient
from kliento.disclosures.notice import PURPOSE_LABELS
from kliento.register import catalogue


class RecipientForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Recipient.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    card_issuer = forms.ModelChoiceField(
        label=_("Card issuer (for card issuers)"),
        queryset=CardIssuer.objects.order_by("name"),
        required=False,
    )
    consent_purpose = forms.ChoiceField(
        label=_("Consent the person must have given (for partners)"), required=False
    )
    items = forms.MultipleChoiceField(
        label=_("Data items it may receive"), widget=forms.CheckboxSelectMultiple
    )
    purposes = forms.MultipleChoiceField(
        label=_("Purposes it may use them for"), widget=forms.CheckboxSelectMultiple
    )
    tasks = forms.CharField(
        label=_("Tasks (for service providers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agreement_reference = forms.CharField(
        label=_("Agreement reference"), max_length=80, required=False
    )
    agreement_date = forms.DateField(
        label=_("Agreement date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    country = forms.CharField(
        label=_("Country (two letters)"), max_length=2, initial="FI", min_length=2
    )
    transfer_safeguard = forms.CharField(
        label=_("Safeguard for a transfer outside the EEA"), max_length=200, required=False,
        help_text=_("For example: the EU standard contractual clauses."),
    )  # fmt: skip
    webhook_url = forms.URLField(
        label=_("Webhook address"), max_length=300, assume_scheme="https",
        help_text=_("Where corrections and erasures are sent, signed; must use https."),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, Any]]] = {
            "consent_purpose": [("", "—")] + [(p.key, p.label) for p in PURPOSES.values()],
            "items": [(i.key, i.label) for i in catalogue.ITEMS],
            "purposes": [(k.value, v) for k, v in PURPOSE_LABELS.items()],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared above)
            field.choices = options
