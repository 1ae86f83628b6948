"""Staff forms: registering a recipient, recording a disclosure made by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.cards.models import CardIssuer
from kliento.consent.purposes import PURPOSES
from kliento.disclosures.models import Recipient
from kliento.disclosures.notice import BASIS_LABELS, PURPOSE_LABELS
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


class RecipientChoiceField(forms.ModelChoiceField[Recipient]):
    """A recipient named with its kind, so an authority is told from a partner."""

    def label_from_instance(self, obj: Recipient) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ManualDisclosureForm(forms.Form):
    """The privacy officer records a disclosure made outside the service."""

    recipient = RecipientChoiceField(
        label=_("Recipient"),
        queryset=Recipient.objects.filter(is_active=True).order_by("kind", "name"),
        to_field_name="public_id",
        help_text=_("Register a recipient (for example an authority) first if it is missing."),
    )
    items = forms.MultipleChoiceField(
        label=_("Data items given"), widget=forms.CheckboxSelectMultiple
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"))
    purpose = forms.ChoiceField(label=_("Purpose"))
    note = forms.CharField(
        label=_("Note"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the data was given and on what request (for example the authority's "
            "reference). Do not copy the person's data here."
        ),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, Any]]] = {
            "items": [(i.key, i.label) for i in catalogue.ITEMS],
            "legal_basis": [("", "—")] + [(k.value, v) for k, v in BASIS_LABELS.items()],
            "purpose": [("", "—")] + [(k.value, v) for k, v in PURPOSE_LABELS.items()],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared above)
            field.choices = options
