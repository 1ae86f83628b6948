"""Customer service blocks a lost card by its number; other roles may not."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards.models import Card
from kliento.cards.services import card_issue_kliento
from kliento.register.services import subject_of

pytestmark = pytest.mark.django_db
URL = "/staff/cards/block/"


def staff_client(staff_user: Any, role: StaffRole) -> Client:
    user = staff_user(role)
    TOTP.activate(user, pyotp.random_base32())
    client = Client()
    client.force_login(user)
    return client


def test_customer_service_blocks_a_card_with_a_reason(staff_user: Any, cardholder: User) -> None:
    card, number, _code = card_issue_kliento(
        actor=Actor.system("tests"), holder=subject_of(cardholder)
    )
    client = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    assert "/staff/cards/block/" in client.get("/staff/").content.decode()

    response = client.post(URL, {"card_number": number, "reason": "ticket 4711, caller verified"})

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == Card.Status.BLOCKED
    entry = AuditEntry.objects.filter(action="card.block").get()
    assert entry.purpose == "ticket 4711, caller verified"
    assert entry.actor_role == StaffRole.CUSTOMER_SERVICE


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("9246 0000 0000 0001", "This is not a card Kliento can read."),
        ("9246 0000 0000 0013", "This card is not known to Kliento."),
    ],
)
def test_a_bad_or_unknown_number_is_a_form_error_and_blocks_nothing(
    staff_user: Any, number: str, message: str
) -> None:
    card_issue_kliento(actor=Actor.system("tests"))
    client = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)

    response = client.post(URL, {"card_number": number, "reason": "ticket 1"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Card.objects.exclude(status=Card.Status.ACTIVE).exists()


@pytest.mark.parametrize("role", [r for r in StaffRole if r != StaffRole.CUSTOMER_SERVICE])
def test_other_roles_and_people_may_not_block(
    staff_user: Any, cardholder_client: Client, role: StaffRole
) -> None:
    _card, number, _code = card_issue_kliento(actor=Actor.system("tests"))

    assert (
        staff_client(staff_user, role).post(URL, {"card_number": number, "reason": "x"}).status_code
        == 403
    )
    assert cardholder_client.post(URL, {"card_number": number, "reason": "x"}).status_code == 404
    assert not Card.objects.exclude(status=Card.Status.ACTIVE).exists()
