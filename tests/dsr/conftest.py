"""Shared helpers of the request tracker tests: staff clients with MFA, Anna's subject,
and a request in each state."""

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
from kliento.dsr import services
from kliento.dsr.links import VERIFY_SALT, link_make
from kliento.dsr.models import DataSubjectRequest
from kliento.register import services as register
from kliento.register.models import Subject


def staff_member(staff_user: Any, role: StaffRole) -> User:
    """The staff user of ``role`` (made once per test, reused after)."""
    existing = User.objects.filter(email=f"{role.value}@kliento.example").first()
    return existing or staff_user(role)


def staff_client(staff_user: Any, role: StaffRole) -> tuple[Client, User]:
    user = staff_member(staff_user, role)
    TOTP.activate(user, pyotp.random_base32())
    client = Client()
    client.force_login(user)
    return client, user


def staff_actor(staff_user: Any, role: StaffRole) -> Actor:
    return Actor.staff(staff_member(staff_user, role), role.value)


@pytest.fixture
def anna(cardholder: User) -> Subject:
    return register.subject_of(cardholder)


@pytest.fixture
def service_actor(staff_user: Any) -> Actor:
    return staff_actor(staff_user, StaffRole.CUSTOMER_SERVICE)


@pytest.fixture
def officer_actor(staff_user: Any) -> Actor:
    return staff_actor(staff_user, StaffRole.PRIVACY_OFFICER)


def make_request(
    actor: Actor, kind: str = "access", *, verified: bool = False
) -> DataSubjectRequest:
    request = services.request_create(
        login_email="anna.virtanen@example.fi", kind=kind, channel="email",
        details="Please send me everything you hold.", actor=actor, site="https://kliento.test",
    )  # fmt: skip
    if verified:
        services.request_verify(token=link_make(salt=VERIFY_SALT, public_id=str(request.public_id)))
        request.refresh_from_db()
    mail.outbox.clear()
    return request
