"""Registering recipients: who may, what each kind needs, and the secret shown once."""

from __future__ import annotations

from typing import Any

import pytest

from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.cards.models import Card
from kliento.common.errors import DomainError, ErrorCode
from kliento.disclosures import outbox
from kliento.disclosures.models import Recipient
from tests.disclosures.conftest import make_recipient, staff_client

pytestmark = pytest.mark.django_db
URL = "https://hooks.example.com/kliento"


def test_each_kind_is_registered_with_a_sealed_secret(admin: Actor, card: Card) -> None:
    issuer, secret = make_recipient(admin, Recipient.Kind.CARD_ISSUER, URL, card_issuer=card.issuer)
    partner, _ = make_recipient(admin, Recipient.Kind.PARTNER, URL)
    processor, _ = make_recipient(admin, Recipient.Kind.PROCESSOR, URL)

    assert {r.kind for r in Recipient.objects.all()} == {"card_issuer", "partner", "processor"}
    assert secret.startswith("whsec_")
    stored = Recipient.objects.get(pk=issuer.pk)
    assert secret.encode() not in bytes(stored.secret_sealed)
    assert outbox.recipient_secret(stored) == secret
    assert partner.consent_purpose == "partner_marketing"
    assert processor.agreement_reference == "DPA-2026-7"


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        (Recipient.Kind.CARD_ISSUER, {}, "card_issuer"),
        (Recipient.Kind.PARTNER, {"consent_purpose": ""}, "consent_purpose"),
        (Recipient.Kind.PARTNER, {"consent_purpose": "no_such"}, "consent_purpose"),
        (Recipient.Kind.PROCESSOR, {"agreement_reference": ""}, "agreement_reference"),
        (Recipient.Kind.PROCESSOR, {"agreement_date": None}, "agreement_reference"),
        (Recipient.Kind.PARTNER, {"items": ["allergies"]}, "items"),
        (Recipient.Kind.PARTNER, {"items": []}, "items"),
        (Recipient.Kind.PARTNER, {"purposes": ["selling"]}, "purposes"),
        (Recipient.Kind.PARTNER, {"country": "Finland"}, "country"),
        (Recipient.Kind.PARTNER, {"name": "  "}, "name"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    admin: Actor, kind: str, extra: dict[str, Any], field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        make_recipient(admin, kind, URL, **extra)
    assert caught.value.code == ErrorCode.VALUE_INVALID
    assert caught.value.details["field"] == field
    assert not Recipient.objects.exists()


def test_unknown_item_is_refused(admin: Actor) -> None:
    with pytest.raises(DomainError):
        make_recipient(admin, Recipient.Kind.PARTNER, URL, items=["shoe_colour"])
    assert not Recipient.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["http://hooks.example.com/x", "ftp://hooks.example.com/x", "https:///nohost", "javascript:x"],
)
def test_webhook_must_be_https_except_on_this_machine(admin: Actor, url: str) -> None:
    with pytest.raises(DomainError) as caught:
        make_recipient(admin, Recipient.Kind.PARTNER, url)
    assert caught.value.details["field"] == "webhook_url"
    make_recipient(admin, Recipient.Kind.PARTNER, "http://127.0.0.1:9/hook")
    assert Recipient.objects.count() == 1


@pytest.mark.parametrize("role", [StaffRole.MARKETING, StaffRole.CUSTOMER_SERVICE])
def test_other_roles_and_people_cannot_register(
    staff_user: Any, cardholder: Any, role: StaffRole
) -> None:
    for actor in (Actor.staff(staff_user(role), role.value), Actor.person(cardholder)):
        with pytest.raises(DomainError) as caught:
            make_recipient(actor, Recipient.Kind.PARTNER, URL)
        assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not Recipient.objects.exists()


def _form(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "processor", "name": "SMS Oy", "items": ["phone"], "purposes": ["service"],
        "tasks": "Delivers text messages", "agreement_reference": "DPA-1",
        "agreement_date": "2026-09-01", "country": "FI", "webhook_url": URL,
    }  # fmt: skip
    return data | extra


def test_staff_page_registers_and_shows_the_secret_once(staff_user: Any) -> None:
    client = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)

    response = client.post("/staff/recipients/", _form())

    assert response.status_code == 200
    recipient = Recipient.objects.get()
    secret = outbox.recipient_secret(recipient)
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    again = client.get("/staff/recipients/").content.decode()
    assert "SMS Oy" in again
    assert secret not in again


def test_staff_page_form_error_changes_nothing(staff_user: Any) -> None:
    client = staff_client(staff_user, StaffRole.ADMINISTRATOR)

    response = client.post(
        "/staff/recipients/", _form(agreement_reference=""), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "agreement" in response.content.decode().lower()
    assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
    assert not Recipient.objects.exists()


@pytest.mark.parametrize(
    "role", [StaffRole.MARKETING, StaffRole.AUDITOR, StaffRole.CUSTOMER_SERVICE]
)
def test_staff_page_is_for_administrator_and_privacy_officer(
    staff_user: Any, role: StaffRole
) -> None:
    client = staff_client(staff_user, role)
    assert client.get("/staff/recipients/").status_code == 403
    assert client.post("/staff/recipients/", _form()).status_code == 403
    assert not Recipient.objects.exists()


def test_people_cannot_open_the_staff_page(cardholder_client: Any) -> None:
    assert cardholder_client.get("/staff/recipients/").status_code in (302, 404)


def test_recipients_page_query_count_does_not_grow(
    staff_user: Any, admin: Actor, django_assert_num_queries: Any
) -> None:
    client = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    make_recipient(admin, Recipient.Kind.PROCESSOR, URL, name="One")
    client.get("/staff/recipients/")  # warm the session and MFA checks
    with django_assert_num_queries(6) as one:
        client.get("/staff/recipients/")
    for n in range(3):
        make_recipient(admin, Recipient.Kind.PROCESSOR, URL, name=f"More {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get("/staff/recipients/").content.decode()
    assert "More 2" in page


def test_a_new_secret_replaces_the_old_one_and_is_shown_once(staff_user: Any, admin: Actor) -> None:
    recipient, old = make_recipient(admin, Recipient.Kind.PROCESSOR, URL)
    client = staff_client(staff_user, StaffRole.ADMINISTRATOR)

    page = client.post(f"/staff/recipients/{recipient.public_id}/rotate/").content.decode()

    recipient.refresh_from_db()
    new = outbox.recipient_secret(recipient)
    assert new != old
    assert new in page
    assert new not in client.get("/staff/recipients/").content.decode()
    marketing = staff_client(staff_user, StaffRole.MARKETING)
    assert marketing.post(f"/staff/recipients/{recipient.public_id}/rotate/").status_code == 403
    assert client.get(f"/staff/recipients/{recipient.public_id}/rotate/").status_code == 405
