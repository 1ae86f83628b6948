"""Password change and reset, and the shipped deny list."""

from __future__ import annotations

import gzip

import pytest
from django.core import mail
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.passwords import BREACHED_LIST, BreachedPasswordValidator
from tests.accounts.conftest import last_mail_link, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "vanha kirjasto avautuu taas maanantaina"


def reauthenticated(client: Client) -> Client:
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    return client


def test_shipped_list_is_large_and_holds_local_favourites() -> None:
    with gzip.open(BREACHED_LIST, "rt", encoding="utf-8") as f:
        entries = set(f.read().splitlines())
    assert len(entries) > 50_000
    assert {"salasana", "kliento", "qwerty123", "lösenord", "123456", "password"} <= entries
    assert BREACHED_LIST.stat().st_size < 1_500_000


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("salasana", True),
        ("SALASANA123456", True),
        ("!!lösenord2025", True),
        ("1234567890123", True),
        ("qwertyuiopasdf", True),
        ("zzzzzzzzzzzzzz", True),
        ("correct horse battery staple 42", False),
        ("x7Gq9mPz2LkR", False),
        ("mökkisauna lämpiää hiljaa", False),
    ],
)
def test_deny_list_rules(password: str, refused: bool) -> None:
    assert BreachedPasswordValidator().is_refused(password) is refused


def test_password_change_with_wrong_current_password_changes_nothing(
    client: Client, cardholder: User
) -> None:
    client.force_login(cardholder)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "not my password at all",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"]
    cardholder.refresh_from_db()
    assert cardholder.check_password(PASSWORD)


def test_password_change_refuses_a_breached_new_password(client: Client, cardholder: User) -> None:
    client.force_login(cardholder)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "iloveyou123456", "password2": "iloveyou123456"},
    )
    assert "data breach" in str(response.context["form"].errors["password1"])
    cardholder.refresh_from_db()
    assert cardholder.check_password(PASSWORD)


def test_password_change(client: Client, cardholder: User) -> None:
    client.force_login(cardholder)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    cardholder.refresh_from_db()
    assert cardholder.check_password(NEW_PASSWORD)
    # the person is told by mail that their password changed
    assert mail.outbox[-1].to == [cardholder.email]


def test_password_reset_by_mail_link(client: Client, cardholder: User) -> None:
    client.post("/accounts/password/reset/", {"email": cardholder.email})
    link = last_mail_link("/accounts/password/reset/key/")
    # the link leads to a form (allauth moves the key into the session first)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    cardholder.refresh_from_db()
    assert cardholder.check_password(NEW_PASSWORD)
    # and the link cannot be used a second time
    again = client.get(link, follow=True)
    assert b"invalid" in again.content.lower()
    form_url = again.redirect_chain[-1][0] if again.redirect_chain else link
    client.post(form_url, {"password1": PASSWORD + " x", "password2": PASSWORD + " x"})
    cardholder.refresh_from_db()
    assert cardholder.check_password(NEW_PASSWORD)
    assert log_in(Client(), cardholder.email, NEW_PASSWORD).status_code == 302


def test_password_reset_with_forged_link_changes_nothing(client: Client, cardholder: User) -> None:
    response = client.get(
        f"/accounts/password/reset/key/{cardholder.pk:x}-forged-token/", follow=True
    )
    assert b"invalid" in response.content.lower()
    cardholder.refresh_from_db()
    assert cardholder.check_password(PASSWORD)
