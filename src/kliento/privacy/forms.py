"""The person's privacy forms: cancelling the account, filtering who has seen their data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.accounts.models import User
from kliento.audit.labels import ACTOR_KIND_LABELS
from kliento.audit.models import ActorKind


class CancelAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter your password to confirm that it is you."),
    )
    understood = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        required=True,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DateRangeForm(forms.Form):
    """A from-to pair of dates, the end not before the start."""

    since = _date_field(_("From"))
    until = _date_field(_("To"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since: dt.date | None = data.get("since")
        until: dt.date | None = data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


class AccessFilterForm(DateRangeForm):
    """Filters of the person's "who has seen my data" page."""

    kind = forms.ChoiceField(
        label=_("Who"),
        required=False,
        choices=[
            ("", _("Everyone")),
            *((k, v) for k, v in ACTOR_KIND_LABELS.items() if k != ActorKind.PERSON),
        ],
    )
    field_order = ("kind", "since", "until")
