"""Staff: invitations by e-mail with a role and premises, the accept link, removal."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from kliento.merchants.models import Invitation, Membership
from tests.conftest import MerchantWorld, make_user
from tests.merchants.conftest import signed_in, url

pytestmark = pytest.mark.django_db


def invite(client: Client, world: MerchantWorld, **data: object) -> object:
    return client.post(url(world, "staff"), data)


def test_the_owner_invites_a_cashier_who_accepts_by_the_link(
    owner: Client, merchant_a: MerchantWorld
) -> None:
    response = invite(
        owner, merchant_a, email="Ville@Example.fi", role="cashier",
        premises=[str(merchant_a.premises.public_id)],
    )  # fmt: skip
    assert response.status_code == 302  # type: ignore[attr-defined]
    [message] = mail.outbox
    assert message.to == ["ville@example.fi"]
    link = re.search(r"http://testserver(/merchant/invitations/\S+/)", message.body)
    assert link is not None
    assert "ville@example.fi" in owner.get(url(merchant_a, "staff")).content.decode()

    ville = make_user("ville@example.fi")
    client = signed_in(ville)
    assert "Join Kahvila Aalto" in client.get(link.group(1)).content.decode()
    response = client.post(link.group(1))

    membership = Membership.objects.get(user=ville)
    assert (membership.merchant, membership.role) == (merchant_a.merchant, "cashier")
    assert list(membership.premises.all()) == [merchant_a.premises]
    assert response["Location"] == url(merchant_a, "checkin")
    # The link works once.
    assert client.get(link.group(1)).status_code == 404


def test_the_accept_link_needs_a_signed_in_user(owner: Client, merchant_a: MerchantWorld) -> None:
    invite(owner, merchant_a, email="a@example.fi", role="manager")
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body)
    assert link is not None
    assert Client().get(link.group(1))["Location"].startswith("/accounts/login/")


def test_a_made_up_link_is_404(cardholder) -> None:
    assert signed_in(cardholder).get("/merchant/invitations/made-up-token/").status_code == 404


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "not-an-email", "role": "manager"}, "Enter a valid email address."),
        (
            {"email": "c@example.fi", "role": "cashier"},
            "Choose the premises where the cashier works.",
        ),
        ({"email": "c@example.fi", "role": "boss"}, "Select a valid choice."),
    ],
)
def test_bad_invitations_are_form_errors_and_send_nothing(
    owner: Client, merchant_a: MerchantWorld, data: dict[str, str], error: str
) -> None:
    response = owner.post(url(merchant_a, "staff"), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_manager_cannot_invite_an_owner(merchant_a: MerchantWorld) -> None:
    manager = make_user("manager@merchant.example")
    Membership.objects.create(merchant=merchant_a.merchant, user=manager, role="manager")
    client = signed_in(manager)

    assert 'value="owner"' not in client.get(url(merchant_a, "staff")).content.decode()
    response = client.post(url(merchant_a, "staff"), {"email": "o@example.fi", "role": "owner"})
    assert "Select a valid choice." in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_owner_removes_a_cashier(owner: Client, merchant_a: MerchantWorld) -> None:
    member = merchant_a.cashier_membership
    response = owner.post(url(merchant_a, "staff_remove", member.pk), follow=True)

    assert "Removed a.cashier@merchant.example" in response.content.decode()
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert signed_in(merchant_a.cashier).get(url(merchant_a, "checkin")).status_code == 404


def test_the_last_owner_stays_and_nobody_removes_themselves(
    owner: Client, merchant_a: MerchantWorld
) -> None:
    response = owner.post(
        url(merchant_a, "staff_remove", merchant_a.owner_membership.pk), follow=True
    )

    assert "You cannot remove yourself." in response.content.decode()
    assert Membership.objects.filter(pk=merchant_a.owner_membership.pk).exists()


def test_a_manager_cannot_remove_an_owner(merchant_a: MerchantWorld) -> None:
    manager = make_user("manager@merchant.example")
    Membership.objects.create(merchant=merchant_a.merchant, user=manager, role="manager")

    response = signed_in(manager).post(
        url(merchant_a, "staff_remove", merchant_a.owner_membership.pk), follow=True
    )

    assert "Only an owner may remove an owner." in response.content.decode()
    assert Membership.objects.filter(pk=merchant_a.owner_membership.pk).exists()


def test_a_cashier_cannot_invite_or_remove(cashier: Client, merchant_a: MerchantWorld) -> None:
    assert (
        cashier.post(
            url(merchant_a, "staff"), {"email": "x@example.fi", "role": "owner"}
        ).status_code
        == 403
    )
    assert (
        cashier.post(url(merchant_a, "staff_remove", merchant_a.owner_membership.pk)).status_code
        == 403
    )
    assert Membership.objects.filter(merchant=merchant_a.merchant).count() == 2
