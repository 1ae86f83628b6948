"""Fixtures of the back-office tests: an administrator with TOTP, signed in."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from tests.conftest import make_user


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
