"""``kliento demo``: runs twice without error, reuses what exists, prints the demo logins."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.backoffice.management.commands.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGINS = [
    "cardholder@demo.kliento.fi",
    "owner@demo.kliento.fi",
    "cashier@demo.kliento.fi",
    *(f"{role.value.replace('_', '-')}@demo.kliento.fi" for role in StaffRole),
]


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_runs_twice_and_prints_the_logins(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True

    first = run_demo()
    counts = (User.objects.count(), Authenticator.objects.count())
    second = run_demo()

    # the second run reuses what the first made
    assert (User.objects.count(), Authenticator.objects.count()) == counts
    for output in (first, second):
        assert DEMO_PASSWORD in output
        for email in LOGINS:
            assert email in output
    # one staff user per role, each in its role and with TOTP
    for role in StaffRole:
        user = User.objects.get(email=f"{role.value.replace('_', '-')}@demo.kliento.fi")
        assert user.has_role(role)
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_the_printed_cardholder_login_works(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.LANGUAGE_CODE = "en"
    run_demo()

    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "cardholder@demo.kliento.fi", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_demo_refuses_to_run_outside_a_local_instance(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only for a local instance"):
        run_demo()
    assert not User.objects.exists()
