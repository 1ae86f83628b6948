"""The privacy notice and the records of processing (GDPR art. 13-14 and 30), generated
from the catalogue, the consent purposes, the registered recipients and the retention
rules, so they cannot drift from the code (docs/decisions/0014-generated-notice.md).

Every label the generator needs is declared here by enum member: a new catalogue
purpose, basis or source without a label fails the tests, not the reader.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from kliento.consent.purposes import PURPOSES, ConsentPurpose
from kliento.disclosures.models import NoticeVersion, Recipient
from kliento.register import catalogue
from kliento.register.catalogue import Category, Item, LegalBasis, Purpose, Source

LANGUAGES = ("fi", "sv", "en")

CONTROLLER: dict[str, str | Promise] = {
    "name": "Kliento Oy",
    "street": "Annankatu 27 A",
    "postal": "00100 Helsinki",
    "country": _("Finland"),
    "email": "tietosuoja@kliento.fi",
}
AUTHORITY: dict[str, str | Promise] = {
    "name": _("Office of the Data Protection Ombudsman (Tietosuojavaltuutetun toimisto)"),
    "address": "PL 800, 00531 Helsinki",
    "web": "https://tietosuoja.fi",
}

PURPOSE_LABELS: dict[Purpose, Promise] = {
    Purpose.SERVICE: _("Providing the service"),
    Purpose.MERCHANT_SHARING: _("Sharing the items you choose with the merchants you choose"),
    Purpose.DIRECT_MARKETING: _("Direct marketing"),
    Purpose.SURVEYS: _("Opinion and market surveys"),
    Purpose.SECURITY: _("Security of accounts and the service"),
    Purpose.LEGAL_OBLIGATION: _("Complying with the law"),
}
PURPOSE_DESCRIPTIONS: dict[Purpose, Promise] = {
    Purpose.SERVICE: _(
        "Registering you, identifying you at merchants' premises with your card, recording "
        "visits, points and rewards, customer service, and developing the service."
    ),
    Purpose.MERCHANT_SHARING: _(
        "Showing a merchant only the items you have chosen to share with it, until you "
        "withdraw the sharing."
    ),
    Purpose.DIRECT_MARKETING: _(
        "Marketing by e-mail, text message or post, and by partners, only with your consent; "
        "you can object to direct marketing at any time."
    ),
    Purpose.SURVEYS: _("Inviting you to surveys and using the answers, with your consent."),
    Purpose.SECURITY: _(
        "Protecting accounts and detecting misuse with technical data for a short time."
    ),
    Purpose.LEGAL_OBLIGATION: _(
        "Keeping proof of consents and of what was disclosed to whom, as the law requires."
    ),
}
BASIS_LABELS: dict[LegalBasis, Promise] = {
    LegalBasis.CONTRACT: _("Contract with you (GDPR art. 6(1)(b))"),
    LegalBasis.CONSENT: _("Your consent (GDPR art. 6(1)(a))"),
    LegalBasis.EXPLICIT_CONSENT: _("Your explicit consent (GDPR art. 9(2)(a))"),
    LegalBasis.LEGITIMATE_INTEREST: _("Our legitimate interest (GDPR art. 6(1)(f))"),
    LegalBasis.LEGAL_OBLIGATION: _("Legal obligation (GDPR art. 6(1)(c))"),
}
SOURCE_LABELS: dict[Source, Promise] = {
    Source.PERSON: _("You, when you register and use the service, or through customer service"),
    Source.SERVICE: _("Produced by your use of the service"),
    Source.BROWSER: _("Sent by your browser (cookies and similar techniques)"),
    Source.MERCHANT: _("Recorded when you identify with your card at a merchant's premises"),
}
# Who the data is about, per item (everyone else is a registered user).
SUBJECT_GROUPS: dict[str, Promise] = {
    "staff_invitation_email": _("Merchants' invited employees"),
}
REGISTERED_USERS = _("Registered users (cardholders)")
SECURITY_MEASURES = _(
    "Every profile value is encrypted with the person's own key (AES-256-GCM), keys are "
    "wrapped by rotating key-encryption keys and destroyed when an account is closed; "
    "look-ups use keyed blind indexes; staff need two-step verification and a role, and "
    "every read of a person's data by someone else is written to a hash-chained audit log "
    "that the person sees in Activity."
)
EEA = frozenset((  # the EU member states and the other EEA countries
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
))  # fmt: skip


@dataclass
class PurposeRecord:
    """One processing activity of the records of processing (art. 30(1))."""

    key: str
    label: str
    description: str
    bases: list[str]
    subjects: list[str]
    items: list[Item]
    recipients: list[str]
    transfers: list[str]
    retention: list[tuple[str, str]]


@dataclass
class ConsentRecord:
    purpose: ConsentPurpose
    text: str
    categories: list[str]
    recipients: list[str]
    retention: str


@dataclass
class Document:
    """Everything the notice and the records say, in the active language."""

    categories: list[tuple[str, list[Item]]] = field(default_factory=list)
    purposes: list[PurposeRecord] = field(default_factory=list)
    consents: list[ConsentRecord] = field(default_factory=list)
    recipients: dict[str, list[Recipient]] = field(default_factory=dict)
    transfers: list[Recipient] = field(default_factory=list)


def _recipients() -> list[Recipient]:
    return list(Recipient.objects.filter(is_active=True).order_by("kind", "name", "pk"))


def _recipient_names(purpose: Purpose, recipients: list[Recipient]) -> list[str]:
    names: list[str] = []
    if purpose == Purpose.MERCHANT_SHARING:
        names.append(str(_("Merchants you choose to share with")))
    names += [f"{r.name} ({r.get_kind_display()})" for r in recipients if purpose in r.purposes]
    return names or [str(_("Only Kliento Oy"))]


def document(recipients: list[Recipient] | None = None) -> Document:
    """The generated content, in the active language."""
    recipients = _recipients() if recipients is None else recipients
    doc = Document()
    for category in Category:
        items = [i for i in catalogue.ITEMS if i.category == category]
        if items:
            doc.categories.append((str(catalogue.CATEGORY_LABELS[category]), items))
    for purpose in Purpose:
        items = [i for i in catalogue.ITEMS if purpose in i.purposes]
        used_by = [r for r in recipients if purpose in r.purposes]
        doc.purposes.append(
            PurposeRecord(
                key=purpose.value,
                label=str(PURPOSE_LABELS[purpose]),
                description=str(PURPOSE_DESCRIPTIONS[purpose]),
                bases=sorted({str(BASIS_LABELS[i.legal_basis]) for i in items})
                + ([str(BASIS_LABELS[LegalBasis.CONSENT])] if not items else []),
                subjects=sorted(
                    {str(SUBJECT_GROUPS.get(i.key, REGISTERED_USERS)) for i in items}
                    or {str(REGISTERED_USERS)}
                ),
                items=items,
                recipients=_recipient_names(purpose, recipients),
                transfers=[
                    f"{r.name} ({r.country}): {r.transfer_safeguard}"
                    for r in used_by
                    if r.country not in EEA
                ],
                retention=[(str(i.label), str(i.retention.description)) for i in items],
            )
        )
    for consent in PURPOSES.values():
        doc.consents.append(
            ConsentRecord(
                purpose=consent,
                text=str(consent.current.text),
                categories=[str(c) for c in consent.data_categories],
                recipients=[str(r) for r in consent.recipients]
                + [r.name for r in recipients if r.consent_purpose == consent.key],
                retention=str(consent.retention),
            )
        )
    for kind in Recipient.Kind:
        doc.recipients[kind.value] = [r for r in recipients if r.kind == kind]
    doc.transfers = [r for r in recipients if r.country not in EEA]
    return doc


def _context(language: str) -> dict[str, object]:
    return {
        "doc": document(),
        "controller": CONTROLLER,
        "authority": AUTHORITY,
        "basis_labels": {k.value: v for k, v in BASIS_LABELS.items()},
        "source_labels": {k.value: v for k, v in SOURCE_LABELS.items()},
        "security": SECURITY_MEASURES,
        "language": language,
    }


def notice_texts() -> dict[str, str]:
    """The notice's HTML in every language, generated now."""
    texts = {}
    for language in LANGUAGES:
        with override(language):
            texts[language] = render_to_string(
                "disclosures/notice_body.html", _context(language)
            ).strip()
    return texts


def content_hash(texts: dict[str, str]) -> str:
    canonical = json.dumps(texts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def notice_current() -> NoticeVersion | None:
    """The newest published version."""
    return NoticeVersion.objects.order_by("-number").first()


def notice_version_at(moment: object) -> NoticeVersion | None:
    """The version shown at ``moment``: the newest published no later than it. A consent
    event's version is ``notice_version_at(event.at)`` (decision 0014)."""
    return NoticeVersion.objects.filter(published_at__lte=moment).order_by("-number").first()


@transaction.atomic
def notice_publish() -> tuple[NoticeVersion, bool]:
    """Publish the generated notice as a new version when its content changed. Returns
    the current version and whether it is new."""
    texts = notice_texts()
    digest = content_hash(texts)
    # Lock the newest row so two publishers cannot both create the same number.
    latest = NoticeVersion.objects.select_for_update().order_by("-number").first()
    if latest is not None and latest.content_hash == digest:
        return latest, False
    version = NoticeVersion.objects.create(
        number=(latest.number + 1) if latest else 1,
        content_hash=digest,
        texts=texts,
        published_at=timezone.now(),
    )
    return version, True
