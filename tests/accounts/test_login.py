"""Login, logout and brute-force protection that neither locks people out nor leaks accounts."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.test import Client

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from tests.accounts.conftest import client_from, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
NONCE = re.compile(rb'nonce="[^"]+"')


def normalised(content: bytes, email: str) -> bytes:
    """The page with per-request tokens (CSRF, CSP nonce) and the typed e-mail blanked out."""
    return NONCE.sub(b"NONCE", CSRF.sub(b"CSRF", content)).replace(email.encode(), b"EMAIL")


def test_log_in_and_out(client: Client, cardholder: User) -> None:
    response = log_in(client, cardholder.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cardholder.pk)
    # the e-mail is matched case-insensitively
    other = Client()
    assert log_in(other, cardholder.email.upper(), PASSWORD).status_code == 302

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_gives_a_form_error_and_no_session(client: Client, cardholder: User) -> None:
    response = log_in(client, cardholder.email, "not the right password")
    assert response.status_code == 200
    assert "not correct" in str(response.context["form"].non_field_errors())
    assert b'role="alert"' in response.content
    assert "_auth_user_id" not in client.session


def test_failed_login_looks_the_same_for_existing_and_unknown_accounts(cardholder: User) -> None:
    known = log_in(client_from("192.0.2.1"), cardholder.email, "wrong password here")
    unknown = log_in(client_from("192.0.2.2"), "nobody@example.fi", "wrong password here")
    assert known.status_code == unknown.status_code == 200
    assert normalised(known.content, cardholder.email) == normalised(
        unknown.content, "nobody@example.fi"
    )


def test_lockout_from_one_address_does_not_lock_out_the_person(cardholder: User) -> None:
    attacker = client_from("203.0.113.66")
    # given an attacker fails again and again on this person's account
    for _ in range(8):
        log_in(attacker, cardholder.email, "guessing the password")
    # then even the right password no longer works from the attacker's address
    blocked = log_in(attacker, cardholder.email, PASSWORD)
    assert blocked.status_code == 200
    assert "Too many failed login attempts" in str(blocked.context["form"].non_field_errors())
    assert "_auth_user_id" not in attacker.session
    # but the person, from their own address, logs in as usual
    person = client_from("198.51.100.7")
    response = log_in(person, cardholder.email, PASSWORD)
    assert response.status_code == 302
    assert person.session["_auth_user_id"] == str(cardholder.pk)


def test_lockout_looks_the_same_for_existing_and_unknown_accounts(cardholder: User) -> None:
    responses = {}
    for email, ip in ((cardholder.email, "192.0.2.10"), ("nobody@example.fi", "192.0.2.11")):
        attacker = client_from(ip)
        for _ in range(6):
            response = log_in(attacker, email, "guessing the password")
        responses[email] = normalised(response.content, email)
    assert responses[cardholder.email] == responses["nobody@example.fi"]
    assert b"Too many failed login attempts" in responses[cardholder.email]


def test_failed_login_log_line_has_no_secrets(
    client: Client, cardholder: User, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "my-secret-guess-9137"
    with caplog.at_level(logging.DEBUG):
        log_in(client, cardholder.email, secret)
    lines = [r.getMessage() for r in caplog.records if r.name == "kliento.accounts.security"]
    # a failed login is logged (so an operator sees attacks) ...
    assert len(lines) == 1
    assert lines[0].startswith("login failed ip=127.0.0.1 account=")
    # ... without the password and without the e-mail address
    assert secret not in caplog.text
    assert cardholder.email not in caplog.text


def test_password_reset_looks_the_same_for_known_and_unknown_addresses(cardholder: User) -> None:
    known = client_from("192.0.2.20").post("/accounts/password/reset/", {"email": cardholder.email})
    unknown = client_from("192.0.2.21").post(
        "/accounts/password/reset/", {"email": "nobody@example.fi"}
    )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"
    # each address gets one mail: the reset link, or word that there is no account
    assert [m.to for m in mail.outbox] == [[cardholder.email], ["nobody@example.fi"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_unverified_login_is_not_let_in(client: Client) -> None:
    from kliento.accounts import services

    services.user_create(
        email="new@example.fi", password=PASSWORD, actor=Actor.system("setup"), verified=False
    )
    response = log_in(client, "new@example.fi", PASSWORD)
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
