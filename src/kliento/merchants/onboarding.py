"""Merchant onboarding: a business applies, verifies its e-mail, an administrator approves
(or rejects) it; approved merchants may be suspended and reactivated.

The contact person's details are sealed under the application's own data key (see
docs/decisions/0017-merchant-onboarding.md); the verification link's token is kept only
as its SHA-256 digest, works once and expires after APPLICATION_LINK_VALIDITY.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.accounts.models import User
from kliento.accounts.services import user_create
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record
from kliento.common import crypto
from kliento.common.errors import DomainError, ErrorCode
from kliento.merchants.business_id import business_id_normalise
from kliento.merchants.models import Membership, Merchant, MerchantApplication
from kliento.merchants.services import (
    _require_administrator,
    merchant_create,
    merchant_set_status,
    premises_create,
)

APPLICATION_LINK_VALIDITY = timedelta(days=7)
CONTACT_ITEM = "merchant_applicant_contact"


@dataclass(frozen=True)
class Contact:
    """The applicant's contact person, as sealed in the application."""

    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class ApplicationIn:
    """What the applicant fills in on the application page."""

    business_name: str
    business_id: str
    contact_name: str
    email: str
    phone: str
    premises_name: str
    street: str
    postal_code: str
    city: str
    language: str


def _owner(application: MerchantApplication) -> str:
    return f"merchant-application:{application.public_id}"


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def application_contact(application: MerchantApplication) -> Contact:
    """The applicant's contact person, unsealed."""
    owner = _owner(application)
    key = crypto.unwrap_data_key(
        bytes(application.contact_wrapped_key), owner=owner, kek_id=application.contact_kek_id
    )
    data = json.loads(
        crypto.open_sealed(key, bytes(application.contact_sealed), f"{owner}:contact".encode())
    )
    return Contact(name=data["name"], email=data["email"], phone=data["phone"])


@transaction.atomic
def application_read(*, application: MerchantApplication, actor: Actor) -> Contact:
    """The contact person, for an administrator reviewing the application; every read is
    recorded (``merchant.application_read``)."""
    _require_administrator(actor)
    audit_record(
        actor=actor,
        action=AuditAction.MERCHANT_APPLICATION_READ,
        items=[CONTACT_ITEM],
        context={"application": str(application.public_id)},
    )
    return application_contact(application)


def _pending(business_id: str) -> Q:
    """Applications that still hold ``business_id``: waiting for review, or waiting for
    the e-mail verification while the link is valid."""
    return Q(business_id=business_id) & (
        Q(status=MerchantApplication.Status.READY)
        | Q(status=MerchantApplication.Status.UNVERIFIED, token_expires_at__gt=timezone.now())
    )


def _require_business_id_free(business_id: str, *, exclude: MerchantApplication | None) -> None:
    applications = MerchantApplication.objects.filter(_pending(business_id))
    if exclude is not None:
        applications = applications.exclude(pk=exclude.pk)
    if Merchant.objects.filter(business_id=business_id).exists() or applications.exists():
        raise DomainError(
            ErrorCode.BUSINESS_ID_TAKEN,
            _(
                "A merchant or an application with this business ID is already registered. "
                "Contact Kliento if you think this is a mistake."
            ),
            details={"field": "business_id"},
        )


def _required(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("This field is required."), details={"field": field}
        )
    return text


@transaction.atomic
def application_submit(*, data: ApplicationIn, actor: Actor) -> tuple[MerchantApplication, str]:
    """Record a pending application and return it with the verification link's token
    (which goes only into the e-mail)."""
    require_actor(actor)
    business_id = business_id_normalise(data.business_id)
    if data.language not in MerchantApplication.Language.values:
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("Choose a language."), details={"field": "language"}
        )
    fields = {
        name: _required(getattr(data, name), name)
        for name in (
            "business_name", "contact_name", "email", "premises_name", "street",
            "postal_code", "city",
        )
    }  # fmt: skip
    _require_business_id_free(business_id, exclude=None)
    token = secrets.token_urlsafe(32)
    application = MerchantApplication(
        business_name=fields["business_name"],
        business_id=business_id,
        premises_name=fields["premises_name"],
        street=fields["street"],
        postal_code=fields["postal_code"],
        city=fields["city"],
        language=data.language,
        token_hash=_digest(token),
        token_expires_at=timezone.now() + APPLICATION_LINK_VALIDITY,
    )
    owner = _owner(application)
    key = crypto.new_data_key()
    application.contact_kek_id, application.contact_wrapped_key = crypto.wrap_data_key(
        key, owner=owner
    )
    contact = {
        "name": fields["contact_name"],
        "email": fields["email"].lower(),
        "phone": data.phone.strip(),
    }
    application.contact_sealed = crypto.seal(
        key, json.dumps(contact).encode(), f"{owner}:contact".encode()
    )
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.MERCHANT_APPLY,
        items=[CONTACT_ITEM],
        context={"application": str(application.public_id)},
    )
    return application, token


def application_for_token(*, token: str) -> MerchantApplication | None:
    """The unverified application of a valid, unused link, or None."""
    return MerchantApplication.objects.filter(
        token_hash=_digest(token),
        status=MerchantApplication.Status.UNVERIFIED,
        token_expires_at__gt=timezone.now(),
    ).first()


@transaction.atomic
def application_verify(
    *, token: str, user: User | None, password: str | None, actor: Actor
) -> MerchantApplication:
    """Verify the applicant's e-mail through the link: the application becomes ready for
    review and ``user`` (the signed-in person) its applicant. Without a signed-in user, a
    login is created for the contact e-mail with ``password``, unless that address has a
    login already: then the applicant signs in first."""
    require_actor(actor)
    application = (
        MerchantApplication.objects.select_for_update().filter(token_hash=_digest(token)).first()
    )
    if (
        application is None
        or application.status != MerchantApplication.Status.UNVERIFIED
        or application.token_expires_at <= timezone.now()
    ):
        raise DomainError(
            ErrorCode.APPLICATION_LINK_INVALID,
            _("This link has been used already or has expired. Apply again for a new link."),
        )
    if user is None:
        email = application_contact(application).email
        if User.objects.filter(email__iexact=email).exists():
            raise DomainError(
                ErrorCode.LOGIN_EXISTS,
                _("This e-mail address has a Kliento login. Sign in with it first."),
            )
        try:
            validate_password(password or "")
        except ValidationError as error:
            raise DomainError(
                ErrorCode.VALUE_INVALID, " ".join(error.messages), details={"field": "password1"}
            ) from None
        user = user_create(email=email, password=password, actor=actor, verified=True)
    application.status = MerchantApplication.Status.READY
    application.applicant = user
    application.verified_at = timezone.now()
    application.token_hash = None  # the link works once
    application.save(update_fields=["status", "applicant", "verified_at", "token_hash"])
    audit_record(
        actor=actor,
        action=AuditAction.MERCHANT_VERIFY,
        items=[CONTACT_ITEM],
        context={"application": str(application.public_id)},
    )
    return application


def _locked(application: MerchantApplication) -> MerchantApplication:
    locked = MerchantApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status in (MerchantApplication.Status.APPROVED, MerchantApplication.Status.REJECTED):
        raise DomainError(
            ErrorCode.APPLICATION_ALREADY_DECIDED,
            _("This application has already been decided."),
        )
    return locked


@transaction.atomic
def application_approve(*, application: MerchantApplication, actor: Actor) -> Merchant:
    """Create the approved merchant with its first premises and the applicant as owner."""
    _require_administrator(actor)
    application = _locked(application)
    if application.status != MerchantApplication.Status.READY or application.applicant is None:
        raise DomainError(
            ErrorCode.APPLICATION_NOT_READY,
            _("The applicant has not verified the e-mail address yet."),
        )
    _require_business_id_free(application.business_id, exclude=application)
    merchant = merchant_create(
        name=application.business_name,
        business_id=application.business_id,
        owner=application.applicant,
        actor=actor,
    )
    merchant_set_status(
        merchant=merchant,
        status=Merchant.Status.APPROVED,
        actor=actor,
        context={"application": str(application.public_id)},
    )
    owner = Membership.objects.select_related("merchant").get(
        merchant=merchant, user=application.applicant
    )
    premises_create(
        membership=owner,
        name=application.premises_name,
        street=application.street,
        postal_code=application.postal_code,
        city=application.city,
        actor=actor,
    )
    application.status = MerchantApplication.Status.APPROVED
    application.merchant = merchant
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "merchant", "decided_at"])
    return merchant


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise DomainError(
            ErrorCode.REASON_REQUIRED, _("Give a reason."), details={"field": "reason"}
        )
    return text[:500]


@transaction.atomic
def application_reject(
    *, application: MerchantApplication, reason: str, actor: Actor
) -> MerchantApplication:
    """Reject an application with a reason that the applicant is told."""
    _require_administrator(actor)
    text = _reason(reason)
    application = _locked(application)
    application.status = MerchantApplication.Status.REJECTED
    application.reject_reason = text
    application.decided_at = timezone.now()
    application.token_hash = None
    application.save(update_fields=["status", "reject_reason", "decided_at", "token_hash"])
    audit_record(
        actor=actor,
        action=AuditAction.MERCHANT_REJECT,
        purpose=text,
        context={"application": str(application.public_id)},
    )
    return application


@transaction.atomic
def merchant_suspend(*, merchant: Merchant, reason: str, actor: Actor) -> Merchant:
    """Suspend an approved merchant: its check-ins and pages are refused until reactivated."""
    _require_administrator(actor)
    text = _reason(reason)
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if merchant.status != Merchant.Status.APPROVED:
        raise DomainError(
            ErrorCode.MERCHANT_NOT_APPROVED, _("Only an approved merchant can be suspended.")
        )
    return merchant_set_status(
        merchant=merchant, status=Merchant.Status.SUSPENDED, reason=text, actor=actor
    )


@transaction.atomic
def merchant_reactivate(*, merchant: Merchant, reason: str, actor: Actor) -> Merchant:
    """Lift a suspension."""
    _require_administrator(actor)
    text = _reason(reason)
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if merchant.status != Merchant.Status.SUSPENDED:
        raise DomainError(
            ErrorCode.MERCHANT_NOT_SUSPENDED, _("Only a suspended merchant can be reactivated.")
        )
    return merchant_set_status(
        merchant=merchant, status=Merchant.Status.APPROVED, reason=text, actor=actor
    )
