"""Two-factor authentication: TOTP, recovery codes and WebAuthn (security keys, passkeys)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pyotp
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client

from kliento.accounts.models import User
from tests.accounts.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)
SECRET_INPUT = re.compile(rb'id="authenticator_secret" value="([A-Z2-7]+)"')


def reauthenticate(client: Client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def activate_totp(client: Client, user: User) -> str:
    """Turn TOTP on through the pages, as the person would; returns the secret."""
    client.force_login(user)
    reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    match = SECRET_INPUT.search(page.content)
    assert match, page.content
    secret = match.group(1).decode()
    response = client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    return secret


def test_totp_page_shows_qr_code_and_secret(client: Client, cardholder: User) -> None:
    client.force_login(cardholder)
    reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert b'class="qr-code"' in page.content
    assert b"data:image/svg+xml" in page.content
    assert SECRET_INPUT.search(page.content)
    assert b'<label for="id_code">' in page.content


def test_wrong_totp_code_at_activation_changes_nothing(client: Client, cardholder: User) -> None:
    client.force_login(cardholder)
    reauthenticate(client)
    client.get("/accounts/2fa/totp/activate/")
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in str(response.context["form"].errors["code"])
    assert b'aria-invalid="true"' in response.content
    assert not Authenticator.objects.filter(user=cardholder).exists()


def test_totp_activation_creates_recovery_codes(client: Client, cardholder: User) -> None:
    with time_machine.travel(START, tick=False):
        activate_totp(client, cardholder)
    types = set(Authenticator.objects.filter(user=cardholder).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_login_with_totp_and_bad_codes(cardholder: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        secret = activate_totp(Client(), cardholder)
        clock.shift(60)
        browser = Client()
        # given the right password, the person is asked for a code and is not in yet
        response = log_in(browser, cardholder.email, PASSWORD)
        assert response["Location"] == "/accounts/2fa/authenticate/"
        assert "_auth_user_id" not in browser.session
        # a wrong code is refused with a form error
        wrong = browser.post("/accounts/2fa/authenticate/", {"code": "123456"})
        assert wrong.status_code == 200
        assert "Incorrect code" in str(wrong.context["form"].errors["code"])
        assert "_auth_user_id" not in browser.session
        # the right code lets them in
        code = pyotp.TOTP(secret).now()
        response = browser.post("/accounts/2fa/authenticate/", {"code": code})
        assert response.status_code == 302
        assert browser.session["_auth_user_id"] == str(cardholder.pk)

        # the same code cannot be used again (someone watching over the shoulder)
        thief = Client(REMOTE_ADDR="203.0.113.9")
        log_in(thief, cardholder.email, PASSWORD)
        reused = thief.post("/accounts/2fa/authenticate/", {"code": code})
        assert reused.status_code == 200
        assert reused.context["form"].errors["code"]
        assert "_auth_user_id" not in thief.session


def test_recovery_code_works_once(cardholder: User) -> None:
    with time_machine.travel(START, tick=False):
        activate_totp(Client(), cardholder)
    codes = (
        Authenticator.objects.get(user=cardholder, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    assert len(codes) == 10
    browser = Client()
    log_in(browser, cardholder.email, PASSWORD)
    assert browser.post("/accounts/2fa/authenticate/", {"code": "deadbeef"}).status_code == 200
    assert "_auth_user_id" not in browser.session
    response = browser.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(cardholder.pk)
    # the used code is spent
    again = Client(REMOTE_ADDR="198.51.100.3")
    log_in(again, cardholder.email, PASSWORD)
    response = again.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert "_auth_user_id" not in again.session
    unused = (
        Authenticator.objects.get(user=cardholder, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    assert len(unused) == 9


def test_recovery_codes_page_lists_unused_codes(client: Client, cardholder: User) -> None:
    with time_machine.travel(START, tick=False):
        activate_totp(client, cardholder)
        reauthenticate(client)
        page = client.get("/accounts/2fa/recovery-codes/")
    assert page.status_code == 200
    codes = (
        Authenticator.objects.get(user=cardholder, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    assert codes[0].encode() in page.content


def test_mfa_overview_lists_the_methods(client: Client, cardholder: User) -> None:
    client.force_login(cardholder)
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    for heading in (b"Authenticator App", b"Security Keys", b"Recovery Codes"):
        assert heading in page.content


def test_webauthn_add_page_offers_registration_options(client: Client, cardholder: User) -> None:
    client.force_login(cardholder)
    reauthenticate(client)
    page = client.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200
    options = page.context["js_data"]["creation_options"]["publicKey"]
    assert options["rp"]["id"] == "testserver"
    assert options["user"]["name"] == cardholder.email
    assert options["challenge"]
    # the page's script data is valid JSON the browser can hand to navigator.credentials
    data = re.search(
        rb'<script id="js_data" type="application/json">(.*?)</script>', page.content, re.S
    )
    assert data
    assert (
        json.loads(data.group(1))["creation_options"]["publicKey"]["challenge"]
        == options["challenge"]
    )


def test_webauthn_add_with_a_forged_credential_changes_nothing(
    client: Client, cardholder: User
) -> None:
    client.force_login(cardholder)
    reauthenticate(client)
    client.get("/accounts/2fa/webauthn/add/")
    response = client.post(
        "/accounts/2fa/webauthn/add/",
        {"name": "My key", "credential": json.dumps({"id": "forged", "type": "public-key"})},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Authenticator.objects.filter(user=cardholder).exists()


def test_passkey_login_request_options_are_offered(client: Client) -> None:
    page = client.get("/accounts/login/")
    assert b'id="passkey_login"' in page.content
    assert b'action="/accounts/2fa/webauthn/login/"' in page.content


def test_passkey_login_with_a_forged_credential_is_refused(
    client: Client, cardholder: User
) -> None:
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/2fa/webauthn/login/",
        {"credential": json.dumps({"id": "forged", "type": "public-key", "response": {}})},
    )
    assert response.status_code in {200, 302}
    assert "_auth_user_id" not in client.session
