"""Fixtures of the back-office tests: an administrator with TOTP, signed in; for customer
service's person view, a person with a card and visits, and staff clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.cards.models import Card
from kliento.cards.services import card_issue_kliento
from kliento.register import services as register
from kliento.register.models import Subject
from kliento.visits.services import checkin_record
from tests.conftest import MerchantWorld, make_user

SEARCH = "/staff/people/"


def staff_client(staff_user: Any, role: StaffRole) -> Client:
    """A signed-in staff member in ``role`` with MFA set up."""
    user = staff_user(role)
    TOTP.activate(user, pyotp.random_base32())
    client = Client()
    client.force_login(user)
    return client


def open_url(subject: Subject) -> str:
    return reverse("staff:person_open", args=[subject.public_id])


def opened(client: Client, subject: Subject, reason: str = "Ticket 4711: points missing") -> Any:
    """Open the person view with a reason, as customer service does."""
    response = client.post(open_url(subject), {"purpose": reason})
    assert response.status_code == 200
    return response


@dataclass
class Anna:
    subject: Subject
    user: User
    card: Card
    number: str


def check_in(world: MerchantWorld, number: str, amount_cents: int | None = 1250) -> None:
    checkin_record(
        premises=world.premises, card_input=number, amount_cents=amount_cents,
        actor=world.actor(world.cashier),
    )  # fmt: skip


@pytest.fixture
def anna(cardholder: User, merchant_a: MerchantWorld) -> Anna:
    """Anna with a Kliento card and two visits at merchant A (12,50 € each): 2 x 22 points
    and 2 stamps."""
    subject = register.subject_of(cardholder)
    register.profile_value_set(
        subject=subject, item_key="phone", value="040 123 4567", actor=Actor.person(cardholder)
    )
    card, number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=subject)
    check_in(merchant_a, number)
    check_in(merchant_a, number)
    return Anna(subject, cardholder, card, number)


@pytest.fixture
def cs(staff_user: Any) -> Client:
    return staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)


def with_mfa(user: User) -> User:
    TOTP.activate(user, pyotp.random_base32())
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def administrator(db: None) -> User:
    return with_mfa(make_user("administrator@kliento.example", role=StaffRole.ADMINISTRATOR))


@pytest.fixture
def admin_client(administrator: User) -> Client:
    return signed_in(administrator)
