"""Merchant onboarding: a business applies, verifies its e-mail (setting a password or with
its login), an administrator approves or rejects it, and the owner reaches the portal."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.personal_data import retention_kinds, sections
from kliento.merchants import onboarding
from kliento.merchants.business_id import business_id_check_digit, business_id_normalise
from kliento.merchants.models import Membership, Merchant, MerchantApplication, Premises
from kliento.merchants.onboarding import ApplicationIn
from kliento.register.services import subject_of
from kliento.visits.models import Visit
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

APPLY = "/merchants/apply/"
NEW_PASSWORD = "a long and unusual passphrase 81"


def form(**changes: str) -> dict[str, str]:
    data = {
        "business_name": "Kahvila Kukka Oy",
        "business_id": "0112038-9",
        "contact_name": "Kaisa Kukka",
        "email": "kaisa@kukka.example",
        "phone": "+358 40 123 4567",
        "premises_name": "Kahvila Kukka, Kallio",
        "street": "Helsinginkatu 5",
        "postal_code": "00500",
        "city": "Helsinki",
        "language": "fi",
    }
    data.update(changes)
    return data


def submit(**changes: str) -> tuple[MerchantApplication, str]:
    return onboarding.application_submit(
        data=ApplicationIn(**form(**changes)), actor=Actor.system("tests")
    )


def admin(staff_user: Any) -> Actor:
    return Actor.staff(staff_user(StaffRole.ADMINISTRATOR), StaffRole.ADMINISTRATOR.value)


def ready(**changes: str) -> MerchantApplication:
    _application, token = submit(**changes)
    return onboarding.application_verify(
        token=token, user=None, password=NEW_PASSWORD, actor=Actor.system("tests")
    )


def link_in(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/merchants/apply/verify/\S+/)", str(message.body))
    assert found is not None, message.body
    return found.group(1)


# --- the business ID -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["0112038-9", "1572860-0", " 2617416-4 ", "112038-9"])
def test_valid_business_ids(value: str) -> None:
    assert re.fullmatch(r"\d{7}-\d", business_id_normalise(value))


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("0112038-8", "check digit"),
        ("01120389", "format"),
        ("0112038_9", "format"),
        ("A112038-9", "format"),
        ("", "format"),
        ("1234567-2", "check digit"),
    ],
)
def test_invalid_business_ids_are_refused(value: str, why: str) -> None:
    with pytest.raises(DomainError) as refused:
        business_id_normalise(value)

    assert refused.value.code == ErrorCode.BUSINESS_ID_INVALID
    assert refused.value.details == {"field": "business_id"}
    assert ("does not match" in str(refused.value.message)) == (why == "check digit")


def test_remainder_one_has_no_valid_check_digit() -> None:
    digits = next(
        f"{n:07d}"
        for n in range(1_000_000, 1_001_000)
        if business_id_check_digit(f"{n:07d}") is None
    )
    for check in range(10):
        with pytest.raises(DomainError):
            business_id_normalise(f"{digits}-{check}")


# --- services ------------------------------------------------------------------------


def test_submit_seals_the_contact_and_stores_only_the_token_digest() -> None:
    application, token = submit()

    raw = (
        bytes(application.contact_sealed)
        + bytes(application.contact_wrapped_key)
        + bytes(application.token_hash or b"")
    )
    assert b"kaisa" not in raw
    assert b"Kukka" not in raw
    assert token.encode() not in raw
    assert onboarding.application_contact(application).email == "kaisa@kukka.example"
    assert application.status == MerchantApplication.Status.UNVERIFIED
    assert AuditEntry.objects.filter(action="merchant.apply").count() == 1


def test_a_duplicate_business_id_is_refused() -> None:
    submit()

    with pytest.raises(DomainError) as refused:
        submit(business_name="Another Oy", email="other@example.fi")

    assert refused.value.code == ErrorCode.BUSINESS_ID_TAKEN
    assert MerchantApplication.objects.count() == 1


def test_an_existing_merchant_holds_its_business_id(merchant_a: Any) -> None:
    Merchant.objects.filter(pk=merchant_a.merchant.pk).update(business_id="0112038-9")

    with pytest.raises(DomainError) as refused:
        submit()

    assert refused.value.code == ErrorCode.BUSINESS_ID_TAKEN


def test_an_expired_unverified_application_frees_its_business_id() -> None:
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        submit()

    application, _token = submit()

    assert MerchantApplication.objects.count() == 2
    assert application.status == MerchantApplication.Status.UNVERIFIED


def test_verify_creates_the_login_and_the_link_works_once() -> None:
    _application, token = submit()

    verified = onboarding.application_verify(
        token=token, user=None, password=NEW_PASSWORD, actor=Actor.system("tests")
    )

    assert verified.status == MerchantApplication.Status.READY
    assert verified.applicant is not None
    assert verified.applicant.email == "kaisa@kukka.example"
    assert verified.applicant.check_password(NEW_PASSWORD)
    with pytest.raises(DomainError) as refused:
        onboarding.application_verify(
            token=token, user=None, password=NEW_PASSWORD, actor=Actor.system("tests")
        )
    assert refused.value.code == ErrorCode.APPLICATION_LINK_INVALID


def test_an_expired_link_is_refused() -> None:
    application, token = submit()

    with (
        time_machine.travel(timezone.now() + timedelta(days=8)),
        pytest.raises(DomainError) as refused,
    ):
        onboarding.application_verify(
            token=token, user=None, password=NEW_PASSWORD, actor=Actor.system("tests")
        )

    assert refused.value.code == ErrorCode.APPLICATION_LINK_INVALID
    application.refresh_from_db()
    assert application.status == MerchantApplication.Status.UNVERIFIED
    assert not User.objects.filter(email="kaisa@kukka.example").exists()


def test_an_address_with_a_login_must_sign_in(cardholder: User) -> None:
    _application, token = submit(email=cardholder.email)

    with pytest.raises(DomainError) as refused:
        onboarding.application_verify(
            token=token, user=None, password=NEW_PASSWORD, actor=Actor.system("tests")
        )

    assert refused.value.code == ErrorCode.LOGIN_EXISTS
    verified = onboarding.application_verify(
        token=token, user=cardholder, password=None, actor=Actor.person(cardholder)
    )
    assert verified.applicant == cardholder


def test_a_weak_password_creates_nothing() -> None:
    application, token = submit()

    with pytest.raises(DomainError) as refused:
        onboarding.application_verify(
            token=token, user=None, password="123", actor=Actor.system("tests")
        )

    assert refused.value.code == ErrorCode.VALUE_INVALID
    application.refresh_from_db()
    assert application.status == MerchantApplication.Status.UNVERIFIED
    assert not User.objects.filter(email="kaisa@kukka.example").exists()


def test_approve_creates_the_merchant_premises_and_owner(staff_user: Any) -> None:
    application = ready()

    merchant = onboarding.application_approve(application=application, actor=admin(staff_user))

    assert merchant.status == Merchant.Status.APPROVED
    assert merchant.business_id == "0112038-9"
    assert Premises.objects.get(merchant=merchant).postal_code == "00500"
    owner = Membership.objects.get(merchant=merchant)
    assert owner.role == Membership.Role.OWNER
    assert owner.user.email == "kaisa@kukka.example"
    application.refresh_from_db()
    assert application.status == MerchantApplication.Status.APPROVED
    assert application.merchant == merchant
    assert AuditEntry.objects.filter(action="merchant.approved").count() == 1


def test_approving_twice_is_refused(staff_user: Any) -> None:
    application = ready()
    actor = admin(staff_user)
    onboarding.application_approve(application=application, actor=actor)

    with pytest.raises(DomainError) as refused:
        onboarding.application_approve(application=application, actor=actor)

    assert refused.value.code == ErrorCode.APPLICATION_ALREADY_DECIDED
    assert Merchant.objects.count() == 1


def test_an_unverified_application_cannot_be_approved(staff_user: Any) -> None:
    application, _token = submit()

    with pytest.raises(DomainError) as refused:
        onboarding.application_approve(application=application, actor=admin(staff_user))

    assert refused.value.code == ErrorCode.APPLICATION_NOT_READY
    assert Merchant.objects.count() == 0


def test_only_an_administrator_approves(staff_user: Any) -> None:
    application = ready()
    service = staff_user(StaffRole.CUSTOMER_SERVICE)

    with pytest.raises(DomainError) as refused:
        onboarding.application_approve(
            application=application, actor=Actor.staff(service, StaffRole.CUSTOMER_SERVICE.value)
        )

    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert Merchant.objects.count() == 0


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_needs_a_reason(staff_user: Any, reason: str) -> None:
    application = ready()

    with pytest.raises(DomainError) as refused:
        onboarding.application_reject(
            application=application, reason=reason, actor=admin(staff_user)
        )

    assert refused.value.code == ErrorCode.REASON_REQUIRED
    application.refresh_from_db()
    assert application.status == MerchantApplication.Status.READY


def test_a_rejected_application_cannot_be_approved(staff_user: Any) -> None:
    application = ready()
    actor = admin(staff_user)
    onboarding.application_reject(application=application, reason="No such business.", actor=actor)

    with pytest.raises(DomainError) as refused:
        onboarding.application_approve(application=application, actor=actor)

    assert refused.value.code == ErrorCode.APPLICATION_ALREADY_DECIDED
    assert AuditEntry.objects.filter(action="merchant.reject").get().purpose == "No such business."


def test_suspend_and_reactivate(staff_user: Any, merchant_a: Any) -> None:
    actor = admin(staff_user)
    merchant = merchant_a.merchant

    with pytest.raises(DomainError) as refused:
        onboarding.merchant_suspend(merchant=merchant, reason="", actor=actor)
    assert refused.value.code == ErrorCode.REASON_REQUIRED

    onboarding.merchant_suspend(merchant=merchant, reason="Unpaid invoices.", actor=actor)
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.SUSPENDED
    assert merchant.status_reason == "Unpaid invoices."
    with pytest.raises(DomainError) as again:
        onboarding.merchant_suspend(merchant=merchant, reason="Again.", actor=actor)
    assert again.value.code == ErrorCode.MERCHANT_NOT_APPROVED

    onboarding.merchant_reactivate(merchant=merchant, reason="Paid.", actor=actor)
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.APPROVED
    with pytest.raises(DomainError) as not_suspended:
        onboarding.merchant_reactivate(merchant=merchant, reason="Paid.", actor=actor)
    assert not_suspended.value.code == ErrorCode.MERCHANT_NOT_SUSPENDED
    actions = list(
        AuditEntry.objects.filter(action__in=["merchant.suspended", "merchant.reactivated"])
        .order_by("seq")
        .values_list("action", "purpose")
    )
    assert actions == [
        ("merchant.suspended", "Unpaid invoices."),
        ("merchant.reactivated", "Paid."),
    ]


def test_a_suspended_merchants_check_ins_are_refused(
    staff_user: Any, merchant_a: Any, client: Client
) -> None:
    actor = admin(staff_user)

    def check_in() -> Any:
        return client.post(
            "/api/v1/checkins",
            {"card": "04:A2:2B:1C:9F:51:80"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {merchant_a.token}"},
        )

    onboarding.merchant_suspend(
        merchant=merchant_a.merchant, reason="Fraud suspected.", actor=actor
    )
    refused = check_in()
    onboarding.merchant_reactivate(merchant=merchant_a.merchant, reason="Cleared.", actor=actor)
    accepted = check_in()

    assert refused.status_code == 403
    assert refused.json()["code"] == ErrorCode.MERCHANT_INACTIVE
    assert accepted.status_code == 201
    assert Visit.objects.filter(merchant=merchant_a.merchant).count() == 1


# --- pages ---------------------------------------------------------------------------


def test_the_front_page_links_to_the_application(client: Client) -> None:
    assert APPLY in client.get("/").content.decode()


def test_the_application_page_defaults_to_the_page_language(client: Client) -> None:
    response = client.get(APPLY, headers={"accept-language": "sv"})

    assert response.status_code == 200
    assert 'value="sv" selected' in response.content.decode()


def test_apply_sends_the_link_in_the_applicants_language(client: Client) -> None:
    response = client.post(APPLY, form(language="sv"))

    assert response.status_code == 302
    assert response["Location"] == "/merchants/apply/sent/"
    (message,) = mail.outbox
    assert message.to == ["kaisa@kukka.example"]
    assert "Bekräfta" in message.subject  # Swedish
    assert link_in(message).startswith("/merchants/apply/verify/")


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"business_id": "0112038-8"}, "business_id", "check digit"),
        ({"business_id": "112038 9"}, "business_id", "1234567-8"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"postal_code": "123"}, "postal_code", "five digits"),
        ({"business_name": ""}, "business_name", "required"),
    ],
)
def test_bad_input_shows_a_form_error_and_stores_nothing(
    client: Client, changes: dict[str, str], field: str, text: str
) -> None:
    response = client.post(APPLY, form(**changes))

    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors[field])
    assert MerchantApplication.objects.count() == 0
    assert mail.outbox == []


def test_a_duplicate_business_id_shows_on_the_form(client: Client) -> None:
    submit()

    response = client.post(APPLY, form(email="second@example.fi"))

    assert "already registered" in " ".join(response.context["form"].errors["business_id"])
    assert MerchantApplication.objects.count() == 1


def test_errors_are_in_the_users_language(client: Client) -> None:
    response = client.post(APPLY, form(business_id="0112038-8"), headers={"accept-language": "fi"})

    assert "tarkistusmerkki" in " ".join(response.context["form"].errors["business_id"])


def test_the_link_page_sets_a_password_and_works_once(client: Client) -> None:
    client.post(APPLY, form())
    link = link_in(mail.outbox[0])

    assert client.get(link).status_code == 200
    mismatch = client.post(link, {"password1": NEW_PASSWORD, "password2": "other"})
    assert mismatch.status_code == 200
    assert MerchantApplication.objects.get().status == MerchantApplication.Status.UNVERIFIED
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert MerchantApplication.objects.get().status == MerchantApplication.Status.READY
    assert client.get(link).status_code == 404
    assert (
        client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 404
    )


def test_an_expired_link_page_is_404(client: Client) -> None:
    client.post(APPLY, form())
    link = link_in(mail.outbox[0])

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(link)

    assert response.status_code == 404
    assert "expired" in response.content.decode()


def test_a_signed_in_applicant_confirms_with_their_login(client: Client) -> None:
    user = make_user("kaisa@kukka.example")
    client.post(APPLY, form())
    link = link_in(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "Set a password" in page.content.decode()
    existing = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "Sign in with it first" in existing.content.decode()

    client.force_login(user)
    response = client.post(link, {})

    assert response.status_code == 302
    assert MerchantApplication.objects.get().applicant == user


def test_the_approved_owner_reaches_the_merchant_portal(staff_user: Any, client: Client) -> None:
    application = ready()
    merchant = onboarding.application_approve(application=application, actor=admin(staff_user))

    assert client.login(email="kaisa@kukka.example", password=NEW_PASSWORD)
    response = client.get("/merchant/", follow=True)

    assert response.status_code == 200
    assert merchant.name in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(f"/merchant/{merchant.public_id}/")
    assert client.get(f"/merchant/{merchant.public_id}/premises/").status_code == 200
    assert client.get(f"/merchant/{merchant.public_id}/staff/").status_code == 200
    assert client.get(f"/merchant/{merchant.public_id}/terminals/").status_code == 200


def test_export_and_erasure_of_the_applicants_data(staff_user: Any) -> None:
    application = ready()
    assert application.applicant is not None
    subject = subject_of(application.applicant)
    section = next(s for s in sections() if s.name == "merchant_applications")

    rows = list(section.rows(subject))

    assert rows[0]["contact_email"] == "kaisa@kukka.example"
    assert rows[0]["business_id"] == "0112038-9"
    assert section.erase is not None
    section.erase(subject)
    assert MerchantApplication.objects.count() == 0


def test_retention_deletes_decided_and_lapsed_applications(staff_user: Any) -> None:
    kind = next(k for k in retention_kinds() if k.key == "merchant_applications")
    with time_machine.travel(timezone.now() - timedelta(days=120)):
        lapsed, _token = submit(business_id="1572860-0", email="lapsed@example.fi")
        rejected = ready(business_id="2617416-4", email="rejected@example.fi")
        onboarding.application_reject(
            application=rejected, reason="Not a business.", actor=admin(staff_user)
        )
    waiting = ready()

    expired = set(kind.expired(timezone.now(), timedelta(days=90)).values_list("pk", flat=True))

    assert expired == {lapsed.pk, rejected.pk}
    assert waiting.pk not in expired
    assert kind.apply(list(expired)) == 2
