"""Consent purposes and their versioned notices.

Every purpose is separate (none is bundled with another or with the terms) and off
until the person gives it. A notice version is immutable once published. Its hash
covers the purpose, the version and the English source text, not the translations:
a later or corrected translation must not change the hash of what was published
(docs/decisions/0010-consent-notice-hash.md). Each consent event stores the hash and
the language the person read the notice in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class Notice:
    version: str
    published: date
    text: Promise
    # A new version that changes what is agreed to asks everyone again; a wording fix
    # (requires_reconsent=False) keeps earlier consents valid.
    requires_reconsent: bool = True

    def source_text(self) -> str:
        """The English source text, whatever the active language (what the hash covers)."""
        with override(None):
            return str(self.text)

    def texts(self) -> dict[str, str]:
        """The notice as shown in each language."""
        result = {}
        for language in LANGUAGES:
            with override(language):
                result[language] = str(self.text)
        return result

    def text_in(self, language: str) -> str:
        with override(language if language in LANGUAGES else "fi"):
            return str(self.text)

    def hash_for(self, purpose_key: str) -> str:
        """SHA-256 over the purpose, the version and the English source text."""
        canonical = json.dumps(
            {"purpose": purpose_key, "version": self.version, "text": self.source_text()},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ConsentPurpose:
    key: str
    label: Promise
    notices: tuple[Notice, ...]
    # What the receipt (ISO/IEC TS 27560) states besides the notice.
    data_categories: tuple[Promise, ...]
    recipients: tuple[Promise, ...]
    retention: Promise

    @property
    def current(self) -> Notice:
        return self.notices[-1]

    def notice(self, version: str) -> Notice | None:
        return next((n for n in self.notices if n.version == version), None)

    def reconsent_needed_since(self, version: str) -> bool:
        """True when a notice published after ``version`` changed what is agreed to."""
        later = False
        for notice in self.notices:
            if later and notice.requires_reconsent:
                return True
            later = later or notice.version == version
        return False


_KLIENTO = _("Kliento Oy (the controller)")
_UNTIL_WITHDRAWN = _(
    "Until you withdraw this consent; the consent events themselves are kept as proof "
    "for as long as claims about them can be made (5 years)."
)
_V1 = date(2026, 11, 1)

EMAIL_MARKETING = ConsentPurpose(
    key="email_marketing",
    label=_("Marketing by e-mail"),
    notices=(
        Notice(
            version="1",
            published=_V1,
            text=_(
                "Kliento Oy may send me newsletters and offers from Kliento and the merchants "
                "I use by e-mail, chosen by my language, city and favourite products. Every "
                "message has a link to unsubscribe at once."
            ),
        ),
    ),
    data_categories=(_("E-mail address"), _("Language"), _("Preferences")),
    recipients=(_KLIENTO,),
    retention=_UNTIL_WITHDRAWN,
)

SMS_MARKETING = ConsentPurpose(
    key="sms_marketing",
    label=_("Marketing by text message (SMS)"),
    notices=(
        Notice(
            version="1",
            published=_V1,
            text=_(
                "Kliento Oy may send me offers from Kliento and the merchants I use by text "
                "message. Every message tells me how to stop them with a reply."
            ),
        ),
    ),
    data_categories=(_("Phone number"), _("Language"), _("Preferences")),
    recipients=(_KLIENTO, _("Our SMS delivery provider (a processor)")),
    retention=_UNTIL_WITHDRAWN,
)

POSTAL_MARKETING = ConsentPurpose(
    key="postal_marketing",
    label=_("Marketing by post"),
    notices=(
        Notice(
            version="1",
            published=_V1,
            text=_(
                "Kliento Oy may send me printed offers and catalogues from Kliento and the "
                "merchants I use to my postal address."
            ),
        ),
    ),
    data_categories=(_("Name"), _("Postal address"), _("Language")),
    recipients=(_KLIENTO, _("Our printing and mailing provider (a processor)")),
    retention=_UNTIL_WITHDRAWN,
)

SURVEYS = ConsentPurpose(
    key="surveys",
    label=_("Opinion and market surveys"),
    notices=(
        Notice(
            version="1",
            published=_V1,
            text=_(
                "Kliento Oy may invite me to opinion and market surveys and store my answers "
                "to develop its service and the merchants' offering. Answering is always "
                "voluntary."
            ),
        ),
    ),
    data_categories=(_("E-mail address"), _("Survey answers"), _("Demographic information")),
    recipients=(_KLIENTO,),
    retention=_("Until you withdraw this consent; survey answers are deleted after 2 years."),
)

PRIZE_DRAWS = ConsentPurpose(
    key="prize_draws",
    label=_("Prize draws and competitions"),
    notices=(
        Notice(
            version="1",
            published=_V1,
            text=_(
                "Kliento Oy may invite me to prize draws and competitions, store my entries "
                "and, if I win, publish my first name and town."
            ),
        ),
    ),
    data_categories=(_("Name"), _("Contact details"), _("Competition entries")),
    recipients=(_KLIENTO, _("The merchant that offers the prize")),
    retention=_("Until you withdraw this consent; entries are deleted 1 year after the draw."),
)

PARTNER_MARKETING = ConsentPurpose(
    key="partner_marketing",
    label=_("Marketing by our partners"),
    notices=(
        Notice(
            version="1",
            published=_V1,
            text=_(
                "Kliento Oy may give my name, contact details and language to partners it "
                "has carefully chosen, so that they can send me their own marketing. The "
                "current partners are listed in the privacy notice."
            ),
        ),
    ),
    data_categories=(_("Name"), _("Contact details"), _("Language")),
    recipients=(_("Marketing partners named in the privacy notice"),),
    retention=_UNTIL_WITHDRAWN,
)

HEALTH_DATA = ConsentPurpose(
    key="health_data",
    label=_("Storing my allergies (health data)"),
    notices=(
        Notice(
            version="1",
            published=_V1,
            text=_(
                "I give my explicit consent to Kliento Oy to store the allergy information "
                "I enter in my profile. Allergies are health data (GDPR art. 9). They are "
                "not shared with any merchant unless I separately confirm it for a named "
                "merchant. I can withdraw this consent at any time in my profile; my "
                "allergy information is then deleted at once."
            ),
        ),
    ),
    data_categories=(_("Allergies (health data)"),),
    recipients=(_KLIENTO, _("Only merchants you name yourself")),
    retention=_(
        "Until you withdraw this consent; the allergy information is then deleted at once."
    ),
)

SOCIAL_SHARING = ConsentPurpose(
    key="social_sharing",
    label=_("Sharing my activity on social media"),
    notices=(
        Notice(
            version="1",
            published=_V1,
            text=_(
                "Kliento Oy may let me share my visits and rewards to a social media service "
                "I connect, such as Facebook. Nothing is shared without my pressing share."
            ),
        ),
    ),
    data_categories=(_("Visits"), _("Rewards")),
    recipients=(_("The social media service you connect"),),
    retention=_UNTIL_WITHDRAWN,
)

NON_ESSENTIAL_COOKIES = ConsentPurpose(
    key="non_essential_cookies",
    label=_("Non-essential cookies"),
    notices=(
        Notice(
            version="1",
            published=_V1,
            text=_(
                "Kliento may use cookies and similar techniques that are not strictly "
                "necessary, such as usage statistics and embedded content, in this browser. "
                "Without this consent only the cookies needed to sign in and keep the site "
                "secure are used."
            ),
        ),
    ),
    data_categories=(_("Cookies and device identifiers"), _("Usage information")),
    recipients=(_KLIENTO,),
    retention=_("Until you withdraw this consent; cookies expire after 12 months."),
)

PURPOSES: dict[str, ConsentPurpose] = {
    p.key: p
    for p in (
        EMAIL_MARKETING,
        SMS_MARKETING,
        POSTAL_MARKETING,
        SURVEYS,
        PRIZE_DRAWS,
        PARTNER_MARKETING,
        HEALTH_DATA,
        SOCIAL_SHARING,
        NON_ESSENTIAL_COOKIES,
    )
}
