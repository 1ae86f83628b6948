"""The personal-data catalogue: every item of personal data, declared once.

Export, erasure, sharing, retention, the records of processing and the privacy notice
read this declaration; the register stores profile values only under keys declared
here; ``FIELD_CLASSIFICATION`` names every model field that holds personal data, and a
test fails when a model has a field that is not classified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kliento.common.errors import DomainError, ErrorCode
from kliento.common.personal_data import Retention


class Category(StrEnum):
    CONTACT = "contact"
    REGISTRATION = "registration"
    DEMOGRAPHIC = "demographic"
    PREFERENCES = "preferences"
    SIZES = "sizes"
    HEALTH = "health"
    RELATIONSHIP = "relationship"
    USAGE = "usage"
    TECHNICAL = "technical"
    MARKETING = "marketing"


CATEGORY_LABELS: dict[Category, Promise] = {
    Category.CONTACT: _("Contact details"),
    Category.REGISTRATION: _("Registration details"),
    Category.DEMOGRAPHIC: _("About you"),
    Category.PREFERENCES: _("Preferences and interests"),
    Category.SIZES: _("Sizes"),
    Category.HEALTH: _("Health"),
    Category.RELATIONSHIP: _("Customer relationship"),
    Category.USAGE: _("Use of the service"),
    Category.TECHNICAL: _("Technical data"),
    Category.MARKETING: _("Direct marketing"),
}


class Purpose(StrEnum):
    SERVICE = "service"  # deliver the service, identify at premises, customer service
    MERCHANT_SHARING = "merchant_sharing"  # show chosen items to chosen merchants
    DIRECT_MARKETING = "direct_marketing"
    SURVEYS = "surveys"
    SECURITY = "security"  # protect accounts and the service
    LEGAL_OBLIGATION = "legal_obligation"


class LegalBasis(StrEnum):
    CONTRACT = "contract"  # GDPR art. 6(1)(b)
    CONSENT = "consent"  # art. 6(1)(a)
    EXPLICIT_CONSENT = "explicit_consent"  # art. 9(2)(a), special categories
    LEGITIMATE_INTEREST = "legitimate_interest"  # art. 6(1)(f)
    LEGAL_OBLIGATION = "legal_obligation"  # art. 6(1)(c)


class Source(StrEnum):
    PERSON = "person"  # the person, in the service or through customer service
    SERVICE = "service"  # produced by using the service (visits, logins)
    BROWSER = "browser"  # sent by the person's browser
    MERCHANT = "merchant"  # recorded at an approved merchant's premises


class ValueKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"
    CHOICE = "choice"
    ADDRESS = "address"
    TAGS = "tags"


UNTIL_ACCOUNT_CLOSED = Retention(None, _("Until you delete it or close your account."))
TECHNICAL_RETENTION = Retention(timedelta(days=30), _("30 days, then deleted."))
# Periods the retention run (kliento.dsr.retention) applies; see docs/decisions/0013.
CONSENT_PROOF_RETENTION = Retention(
    timedelta(days=3 * 365),
    _("While the consent is in force, then 3 years after it is withdrawn or expires, as "
      "proof; then deleted."),
)  # fmt: skip
VISIT_RETENTION = Retention(
    timedelta(days=3 * 365),
    _("3 years; older visits are kept only as anonymous counts for the merchant."),
)
REQUEST_RETENTION = Retention(
    timedelta(days=3 * 365), _("3 years after the request is closed, then deleted.")
)


@dataclass(frozen=True)
class Item:
    """One item of personal data the register may hold."""

    key: str
    label: Promise
    category: Category
    purposes: tuple[Purpose, ...]
    legal_basis: LegalBasis
    source: Source
    retention: Retention = UNTIL_ACCOUNT_CLOSED
    kind: ValueKind = ValueKind.TEXT
    special_category: bool = False
    shareable: bool = False  # may the person share it with merchants
    multiple: bool = False  # several values, one of them primary
    lookup: bool = False  # kept with a blind index for exact-match staff search
    in_profile: bool = True  # stored as an encrypted profile value
    max_length: int = 200
    choices: tuple[tuple[str, str | Promise], ...] = ()
    help_text: Promise | str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_SERVICE = (Purpose.SERVICE,)
_SHARE = (Purpose.SERVICE, Purpose.MERCHANT_SHARING)

GENDER_CHOICES = (
    ("female", _("Female")),
    ("male", _("Male")),
    ("other", _("Other")),
)
LANGUAGE_CHOICES = (
    ("fi", _("Finnish")),
    ("sv", _("Swedish")),
    ("en", _("English")),
    ("other", _("Other")),
)
CLOTHES_SIZE_CHOICES = tuple((s, s) for s in ("XS", "S", "M", "L", "XL", "XXL", "3XL"))

ITEMS: tuple[Item, ...] = (
    # --- contact
    Item("first_name", _("First name"), Category.CONTACT, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, shareable=True, max_length=100),
    Item("last_name", _("Last name"), Category.CONTACT, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, shareable=True, max_length=100),
    Item("email", _("E-mail address"), Category.CONTACT, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, kind=ValueKind.EMAIL, shareable=True, multiple=True, lookup=True,
         max_length=254),
    Item("phone", _("Phone number"), Category.CONTACT, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, kind=ValueKind.PHONE, shareable=True, multiple=True, lookup=True,
         max_length=32),
    Item("address", _("Postal address"), Category.CONTACT, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, kind=ValueKind.ADDRESS, shareable=True, multiple=True, max_length=300),
    # --- registration
    Item("login_email", _("Login e-mail address"), Category.REGISTRATION, _SERVICE,
         LegalBasis.CONTRACT, Source.PERSON, kind=ValueKind.EMAIL, in_profile=False,
         lookup=True, help_text=_(
             "Kept in plain text in the accounts table because login looks it up; "
             "deleted when the account is closed.")),
    Item("password", _("Password (as a one-way hash)"), Category.REGISTRATION, _SERVICE,
         LegalBasis.CONTRACT, Source.PERSON, in_profile=False),
    Item("mfa_secrets", _("Two-step verification secrets"), Category.REGISTRATION,
         (Purpose.SECURITY,), LegalBasis.CONTRACT, Source.SERVICE, in_profile=False,
         retention=Retention(None, _("Until you switch two-step verification off or close "
                                     "your account.")),
         help_text=_("The authenticator app's secret and the recovery-code seed, encrypted; "
                     "used only to check your codes.")),
    Item("username", _("Username"), Category.REGISTRATION, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, shareable=True, max_length=50),
    # --- demographic
    Item("date_of_birth", _("Date of birth"), Category.DEMOGRAPHIC, _SHARE,
         LegalBasis.CONTRACT, Source.PERSON, kind=ValueKind.DATE, shareable=True),
    Item("gender", _("Gender"), Category.DEMOGRAPHIC, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, kind=ValueKind.CHOICE, choices=GENDER_CHOICES, shareable=True),
    Item("title", _("Title or profession"), Category.DEMOGRAPHIC, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, shareable=True, max_length=100),
    Item("mother_tongue", _("Mother tongue"), Category.DEMOGRAPHIC, _SHARE,
         LegalBasis.CONTRACT, Source.PERSON, kind=ValueKind.CHOICE, choices=LANGUAGE_CHOICES,
         shareable=True),
    # --- preferences
    Item("preferences", _("Preferences"), Category.PREFERENCES, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, kind=ValueKind.LONG_TEXT, shareable=True, max_length=1000),
    Item("favourite_products", _("Favourite products"), Category.PREFERENCES, _SHARE,
         LegalBasis.CONTRACT, Source.PERSON, kind=ValueKind.TAGS, shareable=True,
         max_length=500),
    Item("interests", _("Interests"), Category.PREFERENCES, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, kind=ValueKind.TAGS, shareable=True, max_length=500),
    Item("feedback", _("Feedback"), Category.RELATIONSHIP, _SERVICE, LegalBasis.CONTRACT,
         Source.PERSON, kind=ValueKind.LONG_TEXT, multiple=True, max_length=2000),
    # --- sizes
    Item("clothes_size", _("Clothes size"), Category.SIZES, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, kind=ValueKind.CHOICE, choices=CLOTHES_SIZE_CHOICES, shareable=True),
    Item("shoe_size", _("Shoe size (EU)"), Category.SIZES, _SHARE, LegalBasis.CONTRACT,
         Source.PERSON, shareable=True, max_length=5),
    # --- health (GDPR art. 9)
    Item("allergies", _("Allergies"), Category.HEALTH, _SHARE, LegalBasis.EXPLICIT_CONSENT,
         Source.PERSON, kind=ValueKind.LONG_TEXT, special_category=True, shareable=True,
         max_length=500, help_text=_(
             "Health data. Stored only with your separate, explicit consent; never shared "
             "unless you confirm it for a named merchant.")),
    # --- marketing
    Item("direct_marketing", _("Direct marketing permitted and declined"), Category.MARKETING,
         (Purpose.DIRECT_MARKETING,), LegalBasis.LEGAL_OBLIGATION, Source.PERSON,
         in_profile=False, retention=CONSENT_PROOF_RETENTION,
         help_text=_("Your consent events, kept as proof.")),
    Item("marketing_segments", _("What you allow to be used for choosing offers"),
         Category.MARKETING, (Purpose.DIRECT_MARKETING,), LegalBasis.CONSENT, Source.PERSON,
         in_profile=False, help_text=_(
             "Your language, and your city and favourite products as keyed hashes, kept only "
             "while you allow them for marketing.")),
    Item("marketing_received", _("Newsletters and text messages you were sent"),
         Category.MARKETING, (Purpose.DIRECT_MARKETING,), LegalBasis.CONSENT, Source.SERVICE,
         in_profile=False, help_text=_("Each campaign you were included in and on which basis.")),
    Item("marketing_suppression", _("Addresses that unsubscribed"), Category.MARKETING,
         (Purpose.DIRECT_MARKETING,), LegalBasis.LEGAL_OBLIGATION, Source.PERSON,
         in_profile=False, help_text=_(
             "A keyed hash of the e-mail address or phone number, kept after the account is "
             "closed so that no marketing is ever sent to it again.")),
    Item("survey_answers", _("Answers to opinion and market surveys"), Category.MARKETING,
         (Purpose.SURVEYS,), LegalBasis.CONSENT, Source.PERSON, in_profile=False,
         retention=Retention(timedelta(days=730), _("2 years after the survey closes.")),
         help_text=_("Encrypted under your own data key; staff see only totals.")),
    Item("prize_draw_entries", _("Prize draw entries and wins"), Category.MARKETING,
         (Purpose.SURVEYS,), LegalBasis.CONSENT, Source.PERSON, in_profile=False,
         retention=Retention(timedelta(days=365), _("1 year after the draw.")),
         help_text=_("Entries are encrypted under your own data key; the draw record keeps "
                     "the pseudonymous ids of the entrants so the draw can be checked.")),
    # --- usage and technical
    Item("visits", _("Visits at merchants' premises"), Category.USAGE, _SERVICE,
         LegalBasis.CONTRACT, Source.MERCHANT, in_profile=False, retention=VISIT_RETENTION),
    Item("privacy_requests", _("Your requests about your data and our answers"),
         Category.RELATIONSHIP, (Purpose.LEGAL_OBLIGATION,), LegalBasis.LEGAL_OBLIGATION,
         Source.PERSON, in_profile=False, retention=REQUEST_RETENTION, help_text=_(
             "Requests you made by e-mail, phone or letter, their history, fees and "
             "restrictions: kept to show how each request was answered.")),
    Item("card_identifiers", _("Card numbers and card identifiers"), Category.RELATIONSHIP,
         _SERVICE, LegalBasis.CONTRACT, Source.MERCHANT, in_profile=False, lookup=True,
         help_text=_("Stored encrypted with a blind index for look-ups, never in plain text.")),
    Item("loyalty", _("Points, stamps and rewards"), Category.RELATIONSHIP, _SERVICE,
         LegalBasis.CONTRACT, Source.SERVICE, in_profile=False),
    Item("sharing", _("What you share with which merchant"), Category.RELATIONSHIP, _SHARE,
         LegalBasis.CONTRACT, Source.PERSON, in_profile=False),
    Item("disclosures", _("What was given to which card issuer, partner or service provider"),
         Category.RELATIONSHIP, _SERVICE, LegalBasis.LEGAL_OBLIGATION, Source.SERVICE,
         in_profile=False, help_text=_(
             "Kept so you can see it and so corrections and erasures reach every recipient "
             "(GDPR art. 19 and 30).")),
    Item("staff_invitation_email", _("E-mail address of an invited merchant employee"),
         Category.REGISTRATION, _SERVICE, LegalBasis.LEGITIMATE_INTEREST, Source.MERCHANT,
         retention=Retention(timedelta(days=7), _("Until the invitation is used or expires.")),
         in_profile=False),
    Item("merchant_applicant_contact",
         _("Contact person of a merchant application: name, e-mail, phone, language"),
         Category.CONTACT, _SERVICE, LegalBasis.CONTRACT, Source.PERSON,
         retention=Retention(timedelta(days=90), _(
             "Until the application is decided or its link expires, then 90 days; then "
             "deleted.")),
         in_profile=False),
    Item("ip_address", _("IP address"), Category.TECHNICAL, (Purpose.SECURITY,),
         LegalBasis.LEGITIMATE_INTEREST, Source.BROWSER, retention=TECHNICAL_RETENTION,
         in_profile=False),
    Item("user_agent", _("Browser and version"), Category.TECHNICAL, (Purpose.SECURITY,),
         LegalBasis.LEGITIMATE_INTEREST, Source.BROWSER, retention=TECHNICAL_RETENTION,
         in_profile=False),
)  # fmt: skip

BY_KEY: dict[str, Item] = {item.key: item for item in ITEMS}
PROFILE_ITEMS: tuple[Item, ...] = tuple(item for item in ITEMS if item.in_profile)


def get(key: str) -> Item:
    """The item declared under ``key``; an unknown key is a validation error."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise DomainError(
            ErrorCode.ITEM_UNKNOWN,
            _("Unknown data item."),
            details={"item": key},
        ) from None


# Every model field that holds personal data, by "app_label.Model.field", mapped to the
# catalogue item it stores. Fields that hold none are listed in NOT_PERSONAL. A test
# walks every Kliento model and fails on a field in neither.
FIELD_CLASSIFICATION: dict[str, str] = {
    "accounts.User.email": "login_email",
    "accounts.User.password": "password",
    "register.ProfileValue.ciphertext": "*",  # any profile item, encrypted
    "register.ProfileValue.lookup": "*",  # blind index of a lookup item
    "audit.AuditEntry.legacy_ip_address": "ip_address",  # entries written before 0016
    "audit.AuditNetwork.ip_address": "ip_address",
    "account.EmailAddress.email": "login_email",
    "mfa.Authenticator.data": "mfa_secrets",  # sealed under a key-encryption key
    "consent.ConsentEvent.subject": "direct_marketing",
    "consent.ConsentEvent.reason": "direct_marketing",
    "cards.Card.identifier_ct": "card_identifiers",
    "cards.Card.lookup": "card_identifiers",
    "cards.Card.holder": "card_identifiers",
    "visits.Visit.card": "visits",
    "visits.LedgerEntry.card": "loyalty",
    "visits.Reward.card": "loyalty",
    "merchants.Invitation.email": "staff_invitation_email",
    "merchants.MerchantApplication.contact_sealed": "merchant_applicant_contact",
    "merchants.MerchantApplication.applicant": "merchant_applicant_contact",
    "merchants.MerchantApplication.language": "merchant_applicant_contact",
    "merchants.MerchantApplication.reject_reason": "merchant_applicant_contact",
    "sharing.Grant.subject": "sharing",
    "sharing.Relationship.subject": "sharing",
    "sharing.MerchantCustomer.subject": "sharing",
    "sharing.MerchantCustomer.pseudonym": "sharing",  # the person's id at one merchant
    # A response to a prize draw is a draw entry (prize_draw_entries): same model.
    "surveys.Response.subject": "survey_answers",
    "surveys.Response.ciphertext": "survey_answers",
    "surveys.Draw.entrants": "prize_draw_entries",
    "surveys.Draw.winners": "prize_draw_entries",
    "dsr.DataSubjectRequest.subject": "privacy_requests",
    "dsr.DataSubjectRequest.details": "privacy_requests",
    "dsr.DataSubjectRequest.outcome": "privacy_requests",
    "dsr.DataSubjectRequest.extension_reason": "privacy_requests",
    "dsr.RequestEvent.note": "privacy_requests",
    "dsr.Fee.reason": "privacy_requests",
    "register.ProcessingRestriction.subject": "privacy_requests",
    "consent.CurrentConsent.subject": "direct_marketing",
    "marketing.MarketingProfile.subject": "marketing_segments",
    "marketing.MarketingProfile.language": "marketing_segments",
    "marketing.MarketingProfile.city_tag": "marketing_segments",
    "marketing.ProductTag.subject": "marketing_segments",
    "marketing.ProductTag.tag": "marketing_segments",
    "marketing.Suppression.digest": "marketing_suppression",
    "marketing.Recipient.subject": "marketing_received",
    "marketing.Recipient.address_digest": "marketing_received",
    "disclosures.Disclosure.subject": "disclosures",
    "disclosures.OutboxMessage.subject": "disclosures",
    "disclosures.OutboxMessage.payload": "disclosures",  # pseudonymous id and item keys
    "disclosures.Disclosure.note": "disclosures",  # staff's free text on a manual record
}

# Fields that hold no personal data: ids, pseudonymous subject references, timestamps,
# flags, ciphertext-free metadata. Listed per model so a new field must be classified.
NOT_PERSONAL: dict[str, set[str]] = {
    "accounts.User": {
        "id", "public_id", "is_active", "is_staff", "is_superuser", "language", "created_at",
        "updated_at", "last_login", "groups", "user_permissions",
    },
    "accounts.ApiToken": {
        "id", "public_id", "kind", "user", "name", "lookup", "secret_hash", "created_at",
        "last_used_at", "expires_at", "revoked_at",
    },
    # A staff setup link: the hash of its secret; the address stays on the User row.
    "accounts.StaffSetupToken": {
        "id", "public_id", "user", "token_hash", "created_at", "expires_at", "used_at",
    },
    "register.Subject": {"id", "public_id", "user", "created_at", "erased_at"},
    "register.DataKey": {"id", "subject", "kek_id", "wrapped_key", "created_at", "rotated_at"},
    "register.ProfileValue": {
        "id", "public_id", "subject", "item", "is_primary", "created_at", "updated_at",
    },
    "audit.AuditEntry": {
        "seq", "at", "actor_kind", "actor_id", "actor_role", "action", "subject_id", "items",
        "purpose", "ticket", "via", "context", "prev_hash", "hash", "network_commitment",
        "content_version",
    },
    "audit.AuditNetwork": {"entry", "salt", "recorded_at"},
    "audit.ChainHead": {"id", "seq", "hash"},
    "account.EmailAddress": {"id", "user", "verified", "primary"},
    "account.EmailConfirmation": {"id", "email_address", "created", "sent", "key"},
    "mfa.Authenticator": {"id", "user", "type", "created_at", "last_used_at"},
    "consent.ConsentEvent": {
        "id", "public_id", "purpose", "notice_version", "notice_hash", "language", "channel",
        "action", "at", "actor_kind", "actor_id",
    },
    # Merchants' own data: companies, their premises and devices (no personal data).
    "merchants.Merchant": {
        "id", "public_id", "name", "business_id", "status", "created_at", "approved_at",
        "status_reason",
    },
    # A business's application; its contact person's fields are classified above.
    "merchants.MerchantApplication": {
        "id", "public_id", "business_name", "business_id", "premises_name", "street",
        "postal_code", "city", "contact_kek_id", "contact_wrapped_key", "status", "token_hash",
        "token_expires_at", "merchant", "created_at", "verified_at", "decided_at",
    },
    "merchants.Premises": {
        "id", "public_id", "merchant", "name", "street", "postal_code", "city", "is_open",
        "created_at",
    },
    "merchants.Membership": {"id", "merchant", "user", "role", "premises", "created_at"},
    "merchants.Invitation": {
        "id", "public_id", "merchant", "role", "premises", "token_hash", "created_at",
        "expires_at", "accepted_at",
    },
    "merchants.Terminal": {
        "id", "public_id", "premises", "name", "token", "created_at", "revoked_at",
    },
    "cards.CardIssuer": {"id", "public_id", "name", "kind", "merchant"},
    "cards.Card": {
        "id", "public_id", "kind", "issuer", "kek_id", "wrapped_key", "registration_code_hash",
        "status", "registered_at", "blocked_at", "created_at", "last_used_at", "batch",
        "batch_position",
    },
    # A batch holds no personal data: its creator is a staff member's actor id.
    "cards.CardBatch": {
        "id", "public_id", "size", "note", "state", "kek_id", "wrapped_secret", "created_by",
        "created_by_role", "created_at", "activated_at", "voided_at", "void_reason",
    },
    "cards.CardChange": {
        "id", "public_id", "new_card", "code_hash", "created_at", "expires_at", "used_at",
    },
    # Visits and the ledger reference a card, never a person: pseudonymous by design.
    "visits.Visit": {
        "id", "public_id", "merchant", "premises", "terminal", "cashier", "amount_cents", "at",
        "idempotency_key", "request_hash",
    },
    # The fields of the loyalty rules' parameters are added by the visits app (ready()).
    "visits.LoyaltyProgram": {
        "id", "public_id", "merchant", "name", "kind", "reward_name", "reward_valid_days",
        "is_active", "created_at",
    },
    "visits.Reward": {
        "id", "public_id", "program", "code_lookup", "status", "earned_at", "expires_at",
        "redeemed_at", "redeemed_visit",
    },
    "sharing.Grant": {"id", "merchant", "item", "granted_at", "confirmed_special_at"},
    "sharing.Relationship": {"id", "merchant", "joined_at"},
    "sharing.MerchantCustomer": {"id", "merchant"},
    "merchants.Integration": {
        "id", "public_id", "merchant", "name", "token", "created_at", "revoked_at",
    },
    # Surveys and draws as the marketing role writes them; tallies are counts only.
    "surveys.Survey": {
        "id", "public_id", "kind", "title_fi", "title_sv", "title_en", "intro_fi", "intro_sv",
        "intro_en", "starts_on", "ends_on", "winners_count", "created_at", "updated_at",
    },
    "surveys.Question": {
        "id", "survey", "position", "kind", "text_fi", "text_sv", "text_en", "options",
    },
    "surveys.Response": {"id", "public_id", "survey", "created_at"},
    "surveys.Tally": {"id", "question", "option", "count"},
    "surveys.Draw": {
        "id", "public_id", "survey", "algorithm", "seed", "entrants_hash", "drawn_at",
        "drawn_by",
    },
    "dsr.DataSubjectRequest": {
        "id", "public_id", "kind", "channel", "status", "received_at", "due_at", "verified_at",
        "extended_at", "applied_at", "closed_at", "created_by", "created_at", "updated_at",
    },
    "dsr.RequestEvent": {"id", "request", "status", "action", "at", "actor_kind", "actor_id"},
    "dsr.Fee": {
        "id", "public_id", "request", "ground", "amount_cents", "state", "decided_by",
        "decided_at", "answered_at",
    },
    "register.ProcessingRestriction": {"id", "reason", "started_at", "lifted_at"},
    "consent.CurrentConsent": {
        "id", "purpose", "granted", "action", "notice_version", "event", "at",
    },
    "marketing.MarketingProfile": {
        "id", "use_language", "use_city", "use_products", "updated_at",
    },
    "marketing.ProductTag": {"id"},
    "marketing.Suppression": {"id", "channel", "source", "created_at"},
    # Campaign criteria are set by staff and name no person.
    "marketing.Campaign": {
        "id", "public_id", "name", "channel", "purpose", "existing_customers", "merchant",
        "segment_language", "segment_city", "segment_product", "content", "scheduled_at",
        "status", "base_url", "created_by", "created_at", "started_at", "finished_at",
    },
    "marketing.Recipient": {
        "id", "campaign", "basis", "consent_event", "status", "skip_reason",
        "attempts", "last_error", "included_at", "sent_at",
    },
    # Recipients are companies; disclosures name a person only through ``subject``.
    "disclosures.Recipient": {
        "id", "public_id", "kind", "name", "card_issuer", "consent_purpose", "items",
        "purposes", "tasks", "agreement_reference", "agreement_date", "country",
        "transfer_safeguard", "webhook_url", "secret_kek_id", "secret_sealed", "is_active",
        "created_at", "updated_at",
    },
    "disclosures.Disclosure": {
        "id", "public_id", "recipient", "item", "legal_basis", "purpose", "at", "actor_kind",
        "actor_id",
    },
    "disclosures.OutboxMessage": {
        "id", "public_id", "recipient", "event", "status", "attempts", "next_attempt_at",
        "last_error", "created_at", "delivered_at",
    },
    "disclosures.NoticeVersion": {"id", "number", "content_hash", "texts", "published_at"},
    "visits.LedgerEntry": {
        "id", "program", "visit", "reward", "kind", "points", "stamps", "reason", "reverses",
        "actor_kind", "actor_id", "at",
    },
    # A keyed hash of an erased subject's public id: names nobody.
    "privacy.ErasureJournal": {"id", "subject_hash", "erased_at", "reason"},
}  # fmt: skip
