"""Consent purposes and their versioned notices.

A notice version is immutable once published: its hash (over the texts in every
language) is stored with each consent event, so the event proves what the person saw.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override


@dataclass(frozen=True)
class Notice:
    version: str
    text: Promise
    requires_reconsent: bool = True  # a new version that changes what is agreed to

    def texts(self) -> dict[str, str]:
        result = {}
        for language in ("fi", "sv", "en"):
            with override(language):
                result[language] = str(self.text)
        return result

    @property
    def hash(self) -> str:
        canonical = json.dumps(
            {"version": self.version, "texts": self.texts()}, sort_keys=True, ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ConsentPurpose:
    key: str
    label: Promise
    notices: tuple[Notice, ...]

    @property
    def current(self) -> Notice:
        return self.notices[-1]

    def notice(self, version: str) -> Notice | None:
        return next((n for n in self.notices if n.version == version), None)


HEALTH_DATA = ConsentPurpose(
    key="health_data",
    label=_("Storing my allergies (health data)"),
    notices=(
        Notice(
            version="1",
            text=_(
                "I give my explicit consent to Kliento Oy to store the allergy information "
                "I enter in my profile. Allergies are health data (GDPR art. 9). They are "
                "not shared with any merchant unless I separately confirm it for a named "
                "merchant. I can withdraw this consent at any time in my profile; my "
                "allergy information is then deleted at once."
            ),
        ),
    ),
)

PURPOSES: dict[str, ConsentPurpose] = {p.key: p for p in (HEALTH_DATA,)}
