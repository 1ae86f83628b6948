"""Bad input on the account pages: each case gets a form error or an error page, a log
line without secrets, and no change to stored data."""

from __future__ import annotations

import datetime as dt
import logging

import pyotp
import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client

from kliento.accounts.models import User
from tests.accounts.conftest import last_mail_link, log_in
from tests.accounts.test_mfa import START, activate_totp
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PASSPHRASE = "hyvää huomenta aurinkoinen tiistai 2026"
SECURITY = "kliento.accounts.security"


def security_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == SECURITY]


def stored(user: User) -> tuple[str, object, int]:
    """What a refused attempt must leave alone: password hash, last login, authenticators."""
    user.refresh_from_db()
    return user.password, user.last_login, Authenticator.objects.filter(user=user).count()


def test_wrong_password_changes_nothing(
    client: Client, cardholder: User, caplog: pytest.LogCaptureFixture
) -> None:
    before = stored(cardholder)
    with caplog.at_level(logging.INFO):
        response = log_in(client, cardholder.email, "wrong horse battery staple")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    [line] = security_lines(caplog)
    assert line.startswith("login failed ip=127.0.0.1 account=")
    assert "wrong horse" not in caplog.text
    assert stored(cardholder) == before
    assert "_auth_user_id" not in client.session


def test_wrong_and_reused_totp_codes_are_refused_and_logged(
    cardholder: User, caplog: pytest.LogCaptureFixture
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        secret = activate_totp(Client(), cardholder)
        clock.shift(60)
        before = stored(cardholder)
        totp = Authenticator.objects.get(user=cardholder, type=Authenticator.Type.TOTP)
        browser = Client()
        log_in(browser, cardholder.email, PASSWORD)

        with caplog.at_level(logging.INFO):
            wrong = browser.post("/accounts/2fa/authenticate/", {"code": "918273"})
        assert wrong.status_code == 200
        assert wrong.context["form"].errors["code"]
        [line] = security_lines(caplog)
        assert line.startswith("two-factor code refused ip=127.0.0.1 account=")
        assert "918273" not in caplog.text
        assert cardholder.email not in caplog.text
        assert "_auth_user_id" not in browser.session
        assert stored(cardholder) == before

        # the right code once, then the same code again from elsewhere
        code = pyotp.TOTP(secret).now()
        assert browser.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
        caplog.clear()
        other = Client(REMOTE_ADDR="203.0.113.5")
        log_in(other, cardholder.email, PASSWORD)
        with caplog.at_level(logging.INFO):
            reused = other.post("/accounts/2fa/authenticate/", {"code": code})
        assert reused.status_code == 200
        assert reused.context["form"].errors["code"]
        assert any(
            line.startswith("two-factor code refused ip=203.0.113.5")
            for line in security_lines(caplog)
        )
        assert code not in caplog.text
        assert "_auth_user_id" not in other.session
        totp.refresh_from_db()
        assert Authenticator.objects.filter(user=cardholder).count() == 2


def sign_up(client: Client) -> str:
    response = client.post(
        "/accounts/signup/",
        {"email": "liisa@example.fi", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    assert response.status_code == 302
    return last_mail_link("/accounts/confirm-email/")


def test_expired_confirmation_link_is_logged_without_its_key(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    link = sign_up(client)
    key = link.rstrip("/").rsplit("/", 1)[1]

    with time_machine.travel(dt.timedelta(days=4)), caplog.at_level(logging.INFO):
        page = client.get(link)
        posted = client.post(link)

    assert b"expired or is invalid" in page.content
    assert posted.status_code == 200
    assert b"expired or is invalid" in posted.content
    lines = security_lines(caplog)
    assert lines
    assert all(line.startswith("e-mail confirmation refused") for line in lines)
    assert key not in caplog.text
    assert "liisa@example.fi" not in caplog.text
    assert not EmailAddress.objects.get(email="liisa@example.fi").verified


def test_reused_confirmation_link_is_logged(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    link = sign_up(client)
    assert client.post(link).status_code == 302
    verified = EmailAddress.objects.get(email="liisa@example.fi")

    with caplog.at_level(logging.INFO):
        again = client.get(link)

    assert b"expired or is invalid" in again.content
    assert security_lines(caplog) == [
        "e-mail confirmation refused: link expired, used or unknown ip=127.0.0.1"
    ]
    assert EmailAddress.objects.get(pk=verified.pk).verified
    assert EmailAddress.objects.count() == 1


def request_reset(client: Client, user: User) -> str:
    client.post("/accounts/password/reset/", {"email": user.email})
    return last_mail_link("/accounts/password/reset/key/")


def test_expired_password_reset_link_changes_nothing(
    client: Client, cardholder: User, caplog: pytest.LogCaptureFixture
) -> None:
    link = request_reset(client, cardholder)
    before = stored(cardholder)
    new = {"password1": "uusi salasana kesäksi 2026", "password2": "uusi salasana kesäksi 2026"}

    with time_machine.travel(dt.timedelta(days=4)), caplog.at_level(logging.INFO):
        page = client.get(link, follow=True)
        client.post(link, new, follow=True)

    assert page.context["token_fail"]
    assert b"Bad Token" in page.content or b"invalid" in page.content
    lines = security_lines(caplog)
    assert lines
    assert all(line.startswith("password reset refused") for line in lines)
    assert link.rstrip("/").rsplit("-", 1)[1] not in caplog.text
    assert stored(cardholder) == before
    assert cardholder.check_password(PASSWORD)


def test_reused_password_reset_link_changes_nothing(
    client: Client, cardholder: User, caplog: pytest.LogCaptureFixture
) -> None:
    link = request_reset(client, cardholder)
    first = {"password1": "ensimmäinen uusi salasana", "password2": "ensimmäinen uusi salasana"}
    client.get(link, follow=True)
    set_url = client.get(link)["Location"]
    assert client.post(set_url, first).status_code == 302
    cardholder.refresh_from_db()
    assert cardholder.check_password(first["password1"])
    before = stored(cardholder)

    # when the same mailed link is used again, by anyone
    thief = Client()
    with caplog.at_level(logging.INFO):
        page = thief.get(link, follow=True)
        thief.post(
            link, {"password1": "varastettu salasana 99", "password2": "varastettu salasana 99"}
        )

    assert page.context["token_fail"]
    assert any(line.startswith("password reset refused") for line in security_lines(caplog))
    assert stored(cardholder) == before
    assert len(mail.outbox) == 2  # the reset link and the "password changed" notice
