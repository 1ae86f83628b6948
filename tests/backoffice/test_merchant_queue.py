"""The administrators' merchant queue (/staff/merchants/): list, search and filters; approve,
reject with a reason, suspend and reactivate; mail in the applicant's language; who may
open it."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.merchants import onboarding
from kliento.merchants.models import Merchant, MerchantApplication
from kliento.merchants.onboarding import ApplicationIn
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db

QUEUE = "/staff/merchants/"
PASSWORD = "a long and unusual passphrase 81"


def staff_client(staff_user: Any, role: StaffRole) -> Client:
    user = staff_user(role)
    TOTP.activate(user, pyotp.random_base32())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def administrator(staff_user: Any) -> Client:
    return staff_client(staff_user, StaffRole.ADMINISTRATOR)


def application(
    *, name: str = "Kahvila Kukka Oy", business_id: str = "0112038-9", language: str = "fi",
    email: str = "kaisa@kukka.example", verify: bool = True,
) -> MerchantApplication:  # fmt: skip
    created, token = onboarding.application_submit(
        data=ApplicationIn(
            business_name=name, business_id=business_id, contact_name="Kaisa Kukka",
            email=email, phone="", premises_name="Kallio", street="Helsinginkatu 5",
            postal_code="00500", city="Helsinki", language=language,
        ),
        actor=Actor.system("tests"),
    )  # fmt: skip
    if not verify:
        return created
    return onboarding.application_verify(
        token=token, user=None, password=PASSWORD, actor=Actor.system("tests")
    )


def detail(app: MerchantApplication) -> str:
    return f"{QUEUE}applications/{app.public_id}/"


def test_the_staff_home_links_to_the_queue(administrator: Client) -> None:
    assert f'href="{QUEUE}"' in administrator.get("/staff/").content.decode()


def test_the_queue_lists_pending_applications_and_filters(
    administrator: Client, merchant_a: MerchantWorld, django_assert_max_num_queries: Any
) -> None:
    application(name="Kahvila Kukka Oy")
    application(name="Unverified Oy", business_id="1572860-0", email="u@example.fi", verify=False)

    with django_assert_max_num_queries(12):
        pending = administrator.get(QUEUE).content.decode()
    approved = administrator.get(QUEUE, {"status": "approved"}).content.decode()
    searched = administrator.get(QUEUE, {"status": "pending", "q": "0112038"}).content.decode()

    assert "Kahvila Kukka Oy" in pending
    assert "Unverified Oy" in pending
    assert "Kahvila Aalto" not in pending
    assert "Kahvila Aalto" in approved
    assert "Kahvila Kukka Oy" not in approved
    assert "Kahvila Kukka Oy" in searched
    assert "Unverified Oy" not in searched
    assert administrator.get(QUEUE, {"status": "made-up"}).status_code == 200


def test_approve_from_the_page_mails_the_applicant_in_their_language(
    administrator: Client,
) -> None:
    app = application(language="sv")
    mail.outbox.clear()

    page = administrator.get(detail(app))
    assert "kaisa@kukka.example" in page.content.decode()
    assert AuditEntry.objects.filter(action="merchant.application_read").count() == 1
    response = administrator.post(detail(app), {"decision": "approve"})

    merchant = Merchant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}{merchant.public_id}/"
    assert merchant.status == Merchant.Status.APPROVED
    (message,) = mail.outbox
    assert message.to == ["kaisa@kukka.example"]
    assert "Kliento" in message.subject
    assert "godkänt" in message.body  # Swedish
    assert "/merchant/" in message.body


def test_approving_twice_shows_the_refusal(administrator: Client) -> None:
    app = application()
    administrator.post(detail(app), {"decision": "approve"})
    mail.outbox.clear()

    again = administrator.post(detail(app), {"decision": "approve"})

    assert again.status_code == 409
    assert "already been decided" in again.content.decode()
    assert Merchant.objects.count() == 1
    assert mail.outbox == []


def test_an_unverified_application_is_not_approved(administrator: Client) -> None:
    app = application(verify=False)

    response = administrator.post(detail(app), {"decision": "approve"})

    assert response.status_code == 409
    assert "not verified" in response.content.decode()
    assert Merchant.objects.count() == 0


def test_reject_needs_a_reason_and_mails_it_in_finnish(administrator: Client) -> None:
    app = application(language="fi")
    mail.outbox.clear()

    empty = administrator.post(detail(app), {"decision": "reject", "reject-reason": "  "})
    assert empty.status_code == 422
    assert "Give a reason." in " ".join(empty.context["reject_form"].errors["reason"])
    app.refresh_from_db()
    assert app.status == MerchantApplication.Status.READY
    assert mail.outbox == []

    response = administrator.post(
        detail(app), {"decision": "reject", "reject-reason": "Y-tunnus ei vastaa nimeä."}
    )

    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == MerchantApplication.Status.REJECTED
    (message,) = mail.outbox
    assert "Y-tunnus ei vastaa nimeä." in message.body
    assert "Syy" in message.body  # Finnish
    rejected = administrator.get(QUEUE, {"status": "rejected"}).content.decode()
    assert "Kahvila Kukka Oy" in rejected


def test_suspend_and_reactivate_from_the_page(
    administrator: Client, merchant_a: MerchantWorld
) -> None:
    url = f"{QUEUE}{merchant_a.merchant.public_id}/"

    empty = administrator.post(url, {"status-reason": ""})
    assert empty.status_code == 422
    merchant_a.merchant.refresh_from_db()
    assert merchant_a.merchant.status == Merchant.Status.APPROVED

    assert administrator.post(url, {"status-reason": "Unpaid invoices."}).status_code == 302
    merchant_a.merchant.refresh_from_db()
    assert merchant_a.merchant.status == Merchant.Status.SUSPENDED
    suspended = administrator.get(QUEUE, {"status": "suspended"}).content.decode()
    assert "Kahvila Aalto" in suspended

    assert administrator.post(url, {"status-reason": "Paid."}).status_code == 302
    merchant_a.merchant.refresh_from_db()
    assert merchant_a.merchant.status == Merchant.Status.APPROVED


def test_a_suspended_merchants_owner_is_refused_on_the_check_in_page(
    administrator: Client, merchant_a: MerchantWorld
) -> None:
    administrator.post(
        f"{QUEUE}{merchant_a.merchant.public_id}/", {"status-reason": "Fraud suspected."}
    )
    owner = Client()
    owner.force_login(merchant_a.owner)

    response = owner.post(
        f"/merchant/{merchant_a.merchant.public_id}/premises/new/",
        {"name": "New place", "street": "", "postal_code": "", "city": ""},
    )

    assert response.status_code == 200
    assert "not approved" in response.content.decode()


@pytest.mark.parametrize(
    "role",
    [StaffRole.CUSTOMER_SERVICE, StaffRole.PRIVACY_OFFICER, StaffRole.MARKETING, StaffRole.AUDITOR],
)
def test_other_staff_roles_get_403(staff_user: Any, role: StaffRole) -> None:
    app = application()
    client = staff_client(staff_user, role)

    assert client.get(QUEUE).status_code == 403
    assert client.get(detail(app)).status_code == 403
    assert client.post(detail(app), {"decision": "approve"}).status_code == 403
    assert Merchant.objects.count() == 0


def test_members_and_merchant_staff_are_refused(
    cardholder: User, merchant_a: MerchantWorld
) -> None:
    """Like every back-office page, the guard answers 404 to a signed-in non-staff user
    (kliento.backoffice.guards.staff_in); anonymous visitors go to the login page."""
    app = application()
    url = f"{QUEUE}{merchant_a.merchant.public_id}/"
    for user in (cardholder, merchant_a.owner, merchant_a.cashier):
        client = Client()
        client.force_login(user)
        assert client.get(QUEUE).status_code == 404
        assert client.post(detail(app), {"decision": "approve"}).status_code == 404
        assert client.post(url, {"status-reason": "x"}).status_code == 404
    assert Client().get(QUEUE).status_code == 302
    assert Merchant.objects.filter(status=Merchant.Status.SUSPENDED).count() == 0
    assert Merchant.objects.count() == 1


def test_an_unknown_application_is_404(administrator: Client) -> None:
    assert administrator.get(f"{QUEUE}applications/{Merchant().public_id}/").status_code == 404
