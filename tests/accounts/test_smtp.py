"""Verification mail through a real SMTP server (aiosmtpd on 127.0.0.1), link followed."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from allauth.account.models import EmailAddress
from django.test import Client, override_settings

from kliento.accounts.models import User
from tests.accounts.conftest import log_in

pytestmark = pytest.mark.django_db

PASSPHRASE = "revontulet tanssivat taivaalla tammikuussa"
LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s]+")


class Inbox(Message):
    """Keeps every message the server accepts."""

    def __init__(self) -> None:
        super().__init__(message_class=EmailMessage)
        self.messages: list[EmailMessage] = []

    def handle_message(self, message: email.message.Message) -> None:
        self.messages.append(
            email.message_from_bytes(message.as_bytes(), policy=email.policy.default)  # type: ignore[arg-type]
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.mark.parametrize("queued", [False, True], ids=["smtp", "queued-then-smtp"])
def test_verification_mail_arrives_over_smtp_and_its_link_verifies(
    smtp_inbox: tuple[Inbox, int], queued: bool, django_capture_on_commit_callbacks: Any
) -> None:
    inbox, port = smtp_inbox
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    with override_settings(
        # Django's SMTP backend, straight from the page or through the task queue.
        EMAIL_BACKEND="kliento.config.mail.QueuedEmailBackend" if queued else smtp,
        KLIENTO_EMAIL_DELIVERY_BACKEND=smtp,
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        # Given a visitor signs up (queued mail leaves when the sign-up commits)
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/accounts/signup/",
                {"email": "smtp.user@example.fi", "password1": PASSPHRASE, "password2": PASSPHRASE},
            )
        assert response.status_code == 302

    # Then one message reached the SMTP server, addressed to them
    [message] = inbox.messages
    assert message["To"] == "smtp.user@example.fi"
    assert message["From"] == "Kliento <no-reply@kliento.fi>"
    assert str(message["Subject"]).startswith("Kliento: ")
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    match = LINK.search(text)
    assert match, text
    link = re.sub(r"^https?://testserver", "", match.group(0))

    # When they follow the link and confirm
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302

    # Then the address is verified and they can log in
    assert EmailAddress.objects.get(email="smtp.user@example.fi").verified
    browser = Client()
    assert log_in(browser, "smtp.user@example.fi", PASSPHRASE).status_code == 302
    assert browser.session["_auth_user_id"] == str(
        User.objects.get(email="smtp.user@example.fi").pk
    )
