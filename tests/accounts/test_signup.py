"""Sign-up with mandatory e-mail verification, and the password rules at sign-up."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from kliento.accounts.models import User
from tests.accounts.conftest import last_mail_link, log_in

pytestmark = pytest.mark.django_db

PASSPHRASE = "hyvää huomenta aurinkoinen tiistai 2026"


def sign_up(client: Client, email: str, password: str, password2: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": password, "password2": password2 or password},
    )


def test_sign_up_needs_a_verified_address_before_login(client: Client) -> None:
    # given a visitor signs up
    response = sign_up(client, "liisa@example.fi", PASSPHRASE)
    # then they are told to check their mail, and one verification mail went out
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["liisa@example.fi"]
    assert not EmailAddress.objects.get(email="liisa@example.fi").verified

    # when they try to log in before verifying, they are not let in
    fresh = Client()
    response = log_in(fresh, "liisa@example.fi", PASSPHRASE)
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in fresh.session

    # when they follow the link and confirm
    link = last_mail_link("/accounts/confirm-email/")
    page = client.get(link)
    assert page.status_code == 200
    assert b"liisa@example.fi" in page.content
    confirmed = client.post(link)
    assert confirmed.status_code == 302

    # then the address is verified and they can log in
    assert EmailAddress.objects.get(email="liisa@example.fi").verified
    response = log_in(fresh, "liisa@example.fi", PASSPHRASE)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert fresh.session["_auth_user_id"] == str(User.objects.get(email="liisa@example.fi").pk)


@pytest.mark.parametrize(
    "password",
    [
        "password123456",  # breached list
        "salasana2024!",  # Finnish word padded past the length rule
        "qwerty123456",  # keyboard run plus digits
        "Kliento123456",  # the service's own name
        "abcabcabcabc",  # repeat
    ],
)
def test_breached_or_common_password_is_refused_at_sign_up(client: Client, password: str) -> None:
    response = sign_up(client, "matti@example.fi", password)
    # then the form comes back with an error on the password field, and nothing is created
    assert response.status_code == 200
    form = response.context["form"]
    assert "has appeared in a data breach or is too common" in str(form.errors["password1"])
    assert b'aria-invalid="true"' in response.content
    assert not User.objects.filter(email="matti@example.fi").exists()
    assert mail.outbox == []


def test_short_and_overlong_passwords_are_refused(client: Client) -> None:
    short = sign_up(client, "matti@example.fi", "lyhyt sana")
    assert "at least 12 characters" in str(short.context["form"].errors["password1"])
    too_long = sign_up(client, "matti@example.fi", "sana " * 52)
    assert "at most 256 characters" in str(too_long.context["form"].errors["password1"])
    assert not User.objects.filter(email="matti@example.fi").exists()


def test_long_passphrase_without_composition_rules_is_accepted(client: Client) -> None:
    # no digits, no capitals, no symbols, spaces and Finnish letters: NIST allows it all
    passphrase = "kesämökin laiturilla kuunnellaan kuikkien huutoa iltaisin"
    response = sign_up(client, "maija@example.fi", passphrase)
    assert response.status_code == 302
    assert User.objects.get(email="maija@example.fi").check_password(passphrase)


def test_mismatched_passwords_are_refused(client: Client) -> None:
    response = sign_up(client, "maija@example.fi", PASSPHRASE, PASSPHRASE + "x")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(email="maija@example.fi").exists()


def test_signing_up_with_a_taken_address_looks_like_a_new_sign_up(
    client: Client, cardholder: User
) -> None:
    # given the address already has an account, a sign-up with it looks exactly the same
    response = sign_up(client, cardholder.email, PASSPHRASE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    # and the owner of the address, not the visitor, learns that the account exists
    assert mail.outbox[0].to == [cardholder.email]
    assert User.objects.filter(email=cardholder.email).count() == 1
    assert not User.objects.get(pk=cardholder.pk).check_password(PASSPHRASE)


def test_expired_confirmation_link_is_refused_and_changes_nothing(client: Client) -> None:
    sign_up(client, "liisa@example.fi", PASSPHRASE)
    link = last_mail_link("/accounts/confirm-email/")
    # when the link is used after it expired (3 days)
    with time_machine.travel(dt.timedelta(days=4)):
        page = client.get(link)
        assert b"expired or is invalid" in page.content
        client.post(link)
    # then the address stays unverified
    assert not EmailAddress.objects.get(email="liisa@example.fi").verified


def test_reused_confirmation_link_is_refused(client: Client) -> None:
    sign_up(client, "liisa@example.fi", PASSPHRASE)
    link = last_mail_link("/accounts/confirm-email/")
    client.post(link)
    assert EmailAddress.objects.get(email="liisa@example.fi").verified
    # when the same link is used again
    page = client.get(link)
    assert b"expired or is invalid" in page.content
    response = client.post(link)
    assert response.status_code in {200, 404}
    assert EmailAddress.objects.filter(email="liisa@example.fi").count() == 1


def test_tampered_confirmation_link_is_refused(client: Client) -> None:
    sign_up(client, "liisa@example.fi", PASSPHRASE)
    link = last_mail_link("/accounts/confirm-email/")
    tampered = link.rstrip("/")[:-3] + "xyz/"
    client.post(tampered)
    assert not EmailAddress.objects.get(email="liisa@example.fi").verified
