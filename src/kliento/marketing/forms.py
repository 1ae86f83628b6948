"""Forms of the campaign pages and of the person's marketing choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.consent.purposes import LANGUAGES, PURPOSES
from kliento.marketing.models import Channel
from kliento.marketing.services import CampaignDraft
from kliento.merchants.models import Merchant

CAMPAIGN_PURPOSES = ("email_marketing", "sms_marketing", "partner_marketing")
LANGUAGE_NAMES = {"fi": _("Finnish"), "sv": _("Swedish"), "en": _("English")}


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name (staff only)"), max_length=120)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(Channel.EMAIL, _("E-mail")), (Channel.SMS, _("SMS"))]
    )
    purpose = forms.ChoiceField(
        label=_("Consent purpose"),
        required=False,
        choices=[("", _("Choose…")), *((k, PURPOSES[k].label) for k in CAMPAIGN_PURPOSES)],
        help_text=_("Only people whose consent to this purpose is in force at sending get it."),
    )
    existing_customers = forms.BooleanField(
        label=_("Existing-customer exception: the merchant's own similar products"),
        required=False,
        help_text=_(
            "Without consent, only to the merchant's current customers who have not objected. "
            "Never for partner marketing."
        ),
    )
    merchant = forms.ModelChoiceField(
        label=_("Merchant"),
        required=False,
        queryset=Merchant.objects.filter(status=Merchant.Status.APPROVED).order_by("name"),
        to_field_name="public_id",
    )
    segment_language = forms.ChoiceField(
        label=_("Segment: language"),
        required=False,
        choices=[("", _("Any language")), *LANGUAGE_NAMES.items()],
    )
    segment_city = forms.CharField(label=_("Segment: city"), required=False, max_length=100)
    segment_product = forms.CharField(
        label=_("Segment: favourite product"), required=False, max_length=100
    )
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for language in LANGUAGES:
            name = LANGUAGE_NAMES[language]
            self.fields[f"subject_{language}"] = forms.CharField(
                label=_("Subject in %(language)s") % {"language": name},
                required=False,
                max_length=150,
            )
            self.fields[f"body_{language}"] = forms.CharField(
                label=_("Message in %(language)s") % {"language": name},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def draft(self) -> CampaignDraft:
        data = self.cleaned_data
        return CampaignDraft(
            name=data["name"],
            channel=data["channel"],
            purpose=data["purpose"],
            content={
                lang: {"subject": data[f"subject_{lang}"], "body": data[f"body_{lang}"]}
                for lang in LANGUAGES
            },
            scheduled_at=data["scheduled_at"],
            segment_language=data["segment_language"],
            segment_city=data["segment_city"],
            segment_product=data["segment_product"],
            existing_customers=data["existing_customers"],
            merchant=data["merchant"],
        )

    def field_for(self, detail_field: str) -> str | None:
        """The form field a service error names (content_fi -> body_fi)."""
        if detail_field.startswith("content_"):
            return "body_" + detail_field.removeprefix("content_")
        return detail_field if detail_field in self.fields else None


class SegmentChoiceForm(forms.Form):
    use_language = forms.BooleanField(label=_("My language"), required=False)
    use_city = forms.BooleanField(label=_("The city of my primary address"), required=False)
    use_products = forms.BooleanField(label=_("My favourite products"), required=False)
