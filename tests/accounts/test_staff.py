"""Staff pages and the Django admin: staff role, MFA, administrators only."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def with_mfa(user: User) -> User:
    TOTP.activate(user, pyotp.random_base32())
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/staff/", "/admin/"])
def test_staff_without_mfa_is_sent_to_set_it_up(staff_user, path: str) -> None:  # type: ignore[no-untyped-def]
    user = staff_user(StaffRole.ADMINISTRATOR)
    response = signed_in(user).get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize("role", list(StaffRole))
def test_staff_with_mfa_sees_the_areas_of_their_role(staff_user, role: StaffRole) -> None:  # type: ignore[no-untyped-def]
    user = with_mfa(staff_user(role))
    response = signed_in(user).get("/staff/")
    assert response.status_code == 200
    assert b'class="portal-staff"' in response.content
    titles = {str(area.title) for area in response.context["areas"]}
    assert titles
    assert all(role in area.roles for area in response.context["areas"])
    assert ("Campaigns" in titles) is (role == StaffRole.MARKETING)
    assert ("Audit log" in titles) is (role in {StaffRole.AUDITOR, StaffRole.PRIVACY_OFFICER})
    assert (b'href="/admin/"' in response.content) is (role == StaffRole.ADMINISTRATOR)


def test_cardholder_cannot_reach_staff_pages(cardholder: User) -> None:
    client = signed_in(cardholder)
    assert client.get("/staff/").status_code == 404
    assert client.get("/admin/").status_code == 403


def test_anonymous_is_sent_to_the_login_page() -> None:
    client = Client()
    response = client.get("/staff/")
    assert response["Location"].startswith("/accounts/login/?next=/staff/")
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "role", [r for r in StaffRole if r != StaffRole.ADMINISTRATOR], ids=lambda r: r.value
)
def test_admin_is_for_administrators_only(staff_user, role: StaffRole) -> None:  # type: ignore[no-untyped-def]
    user = with_mfa(staff_user(role))
    assert signed_in(user).get("/admin/").status_code == 403


def test_administrator_with_mfa_uses_the_admin(staff_user) -> None:  # type: ignore[no-untyped-def]
    user = with_mfa(staff_user(StaffRole.ADMINISTRATOR))
    response = signed_in(user).get("/admin/")
    assert response.status_code == 200
    assert b"Kliento administration" in response.content


def test_superuser_flag_alone_does_not_open_the_admin() -> None:
    user = with_mfa(User.objects.create_superuser("root@example.fi", PASSWORD))
    assert signed_in(user).get("/admin/").status_code == 403


def test_inactive_administrator_is_refused(staff_user) -> None:  # type: ignore[no-untyped-def]
    user = with_mfa(staff_user(StaffRole.ADMINISTRATOR))
    client = signed_in(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/admin/").status_code in {302, 403}
    assert client.get("/admin/accounts/user/").status_code in {302, 403}


def test_admin_login_form_cannot_bypass_allauth_and_mfa(staff_user) -> None:  # type: ignore[no-untyped-def]
    user = with_mfa(staff_user(StaffRole.ADMINISTRATOR))
    client = Client()
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_staff_login_goes_through_totp(staff_user) -> None:  # type: ignore[no-untyped-def]
    user = staff_user(StaffRole.AUDITOR)
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/staff/")["Location"].startswith("/accounts/login/")
    client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/staff/").status_code == 200


def test_merchant_portal_shell(cardholder: User) -> None:
    assert Client().get("/merchant/")["Location"].startswith("/accounts/login/")
    response = signed_in(cardholder).get("/merchant/")
    assert response.status_code == 200
    assert b'class="portal-merchant"' in response.content
    assert b"Check-in" in response.content


def test_staff_role_of_another_user_is_not_shown(staff_user) -> None:  # type: ignore[no-untyped-def]
    marketing = with_mfa(staff_user(StaffRole.MARKETING))
    make_user("privacy2@kliento.example", role=StaffRole.PRIVACY_OFFICER)
    response = signed_in(marketing).get("/staff/")
    assert [r.value for r in response.context["roles"]] == ["marketing"]
