"""The person's card forms. They only shape the input; the card services check it, and
a refusal becomes an error next to the field it is about."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.cards.selectors import CardRow
from kliento.common.errors import DomainError, ErrorCode

_CODE_ATTRS = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


class CardRegisterForm(forms.Form):
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=40,
        help_text=_("The number printed on the card, for example 9246 1234 5678 9012."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}
        ),
    )
    code = forms.CharField(
        label=_("Registration code"),
        max_length=20,
        help_text=_("Printed on the card, or shown at the till when you first used it."),
        widget=forms.TextInput(attrs=_CODE_ATTRS),
    )

    def show_refusal(self, error: DomainError) -> None:
        """The one form that words refusals itself: a wrong number or code is one error on
        purpose, so it does not tell which was wrong (and a bad check digit says so)."""
        if error.code != ErrorCode.CARD_INVALID:
            self.add_error(None, str(error.message))
        elif error.details.get("reason") == "check_digit":
            self.add_error("card_number", _("Check the number: its last digit does not match."))
        else:
            self.add_error("card_number", str(error.message))


class CardChangeForm(forms.Form):
    old_card = forms.ChoiceField(
        label=_("The card the new one replaces"),
        help_text=_("The old card stops working; its history and benefits move to the new one."),
    )
    code = forms.CharField(
        label=_("Change code"),
        max_length=20,
        help_text=_("The code the till showed when the new card was scanned."),
        widget=forms.TextInput(attrs=_CODE_ATTRS),
    )

    def __init__(self, *args: Any, cards: list[CardRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["old_card"])
        field.choices = [
            (str(row.id), f"{row.kind_label} {row.masked} ({row.issuer})") for row in cards
        ]

    domain_error_field = "code"


class StaffCardBlockForm(forms.Form):
    """Customer service blocks a card a caller reports lost."""

    card_number = forms.CharField(
        label=_("Card number or UID"),
        max_length=40,
        help_text=_("As printed on the card, or the UID of a travel card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_(
            "For the audit log, for example the ticket number and how you checked "
            "that the caller holds the card."
        ),
    )

    domain_error_field = "card_number"
