"""The person's sharing forms and the Activity filters.

The forms shape input only; ``sharing.services`` decides (one set of rules for pages
and the API) and a refusal becomes a form error with nothing shared.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.merchants.models import Merchant
from kliento.register import catalogue
from kliento.sharing.activity import KIND_LABELS
from kliento.sharing.selectors import SHAREABLE

ORDINARY = tuple(item for item in SHAREABLE if not item.special_category)
SPECIAL = tuple(item for item in SHAREABLE if item.special_category)


class DomainErrorForm(forms.Form):
    """A sharing form carries the version of the grants it was rendered with."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=32)


class SharingForm(DomainErrorForm):
    """One checkbox per shareable item that is not health data, grouped by category."""

    def __init__(self, *args: Any, granted: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in ORDINARY:
            self.fields[f"item_{item.key}"] = forms.BooleanField(
                label=str(item.label), required=False, initial=item.key in granted
            )

    def groups(self) -> list[tuple[catalogue.Category, Any, list[forms.BoundField]]]:
        """(category, its label, its bound fields) in catalogue order."""
        result: dict[catalogue.Category, list[forms.BoundField]] = {}
        for item in ORDINARY:
            result.setdefault(item.category, []).append(self[f"item_{item.key}"])
        return [(c, catalogue.CATEGORY_LABELS[c], fields) for c, fields in result.items()]

    def chosen(self, category_action: str = "") -> list[str]:
        """The items to share: the ticked boxes, then a whole category on or off when
        one of the category buttons ("contact:all", "contact:none") was pressed."""
        chosen = {item.key for item in ORDINARY if self.cleaned_data.get(f"item_{item.key}")}
        category, _sep, what = category_action.partition(":")
        in_category = {item.key for item in ORDINARY if item.category == category}
        if what == "all":
            chosen |= in_category
        elif what == "none":
            chosen -= in_category
        return sorted(chosen)


class HealthSharingForm(DomainErrorForm):
    """Health data: shared only with a separate, explicit confirmation naming the merchant."""

    share = forms.BooleanField(required=False)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, merchant: Merchant, granted: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.merchant = merchant
        self.granted = granted
        names = ", ".join(str(item.label).lower() for item in SPECIAL)
        self.fields["share"].label = _("Share my %(items)s with %(merchant)s") % {
            "items": names, "merchant": merchant.name,
        }  # fmt: skip
        self.fields["share"].initial = granted
        self.fields["confirm"].label = _(
            "I give my explicit consent to share my health data with %(merchant)s. "
            "I can withdraw it here at any time."
        ) % {"merchant": merchant.name}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("share") and not self.granted and not data.get("confirm"):
            self.add_error(
                "confirm",
                _("Health data is shared only when you confirm it for %(merchant)s.")
                % {"merchant": self.merchant.name},
            )
        return data


ACTIVITY_FIRST_DAY = dt.date(2000, 1, 1)
ACTIVITY_LAST_DAY = dt.date(2999, 12, 31)


class ActivityFilterForm(forms.Form):
    merchant = forms.ChoiceField(label=_("Merchant"), required=False)
    kind = forms.MultipleChoiceField(
        label=_("What"),
        required=False,
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, merchants: list[Merchant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.merchants = {str(m.public_id): m for m in merchants}
        merchant_field = self.fields["merchant"]
        assert isinstance(merchant_field, forms.ChoiceField)  # noqa: S101 (declared above)
        merchant_field.choices = [
            ("", _("All merchants")),
            *((key, m.name) for key, m in self.merchants.items()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("since", "until"):
            value = data.get(name)
            # A year like 0001 or 9999 cannot be turned into a time in every time zone.
            if value is not None and not (ACTIVITY_FIRST_DAY <= value <= ACTIVITY_LAST_DAY):
                self.add_error(name, _("Choose a date between the years 2000 and 2999."))
                data[name] = None
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data
