"""A campaign scheduled on the staff page, run by the task queue and sent through Django's
SMTP backend to a real local SMTP server (aiosmtpd): only consenting, unsuppressed people
receive it, each with a working unsubscribe link."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client, override_settings

from kliento.accounts.models import User
from kliento.consent.selectors import has_consent
from kliento.marketing import services
from kliento.marketing.models import Campaign, Suppression
from kliento.register.models import Subject
from tests.accounts.test_smtp import Inbox, free_port
from tests.marketing.conftest import staff_client

pytestmark = pytest.mark.django_db


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


def test_campaign_over_smtp_reaches_only_consenting_unsuppressed_people(
    smtp_inbox: tuple[Inbox, int],
    person: Callable[..., Subject],
    marketer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    inbox, port = smtp_inbox
    staff = staff_client(marketer)
    anna = person("anna", consents=("email_marketing",), language="fi")
    person("bertil", consents=("email_marketing",), language="sv")
    person("cecilia")  # no consent
    person("daniel", consents=("email_marketing",))
    Suppression.objects.create(
        channel="email", digest=services.address_digest("email", "daniel@example.fi"),
        source="test",
    )  # fmt: skip
    form = {
        "name": "Winter", "channel": "email", "purpose": "email_marketing",
        "scheduled_at": "2020-01-01T09:00",
        **{f"subject_{lang}": f"Talvi {lang}" for lang in ("fi", "sv", "en")},
        **{f"body_{lang}": f"Tarjous {lang}" for lang in ("fi", "sv", "en")},
    }  # fmt: skip
    with (
        override_settings(
            KLIENTO_EMAIL_DELIVERY_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_USE_TLS=False,
            EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="",
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):  # fmt: skip
        response = staff.post("/staff/campaigns/", form)
    assert response.status_code == 302

    received = {str(m["To"]): m for m in inbox.messages}
    assert set(received) == {"anna@example.fi", "bertil@example.fi"}
    assert str(received["bertil@example.fi"]["Subject"]) == "Talvi sv"
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.DONE
    page = staff.get(f"/staff/campaigns/{campaign.public_id}/")
    assert page.status_code == 200
    assert page.context["counts"][1][1] == 2  # sent
    assert page.context["counts"][3][1] == 1  # skipped (Daniel, suppressed)

    # Each message's unsubscribe link works without login (RFC 8058 one-click POST)
    for message in received.values():
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = str(message["List-Unsubscribe"]).strip().strip("<>")
        path = link.removeprefix("http://testserver")
        assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    assert not has_consent(subject=anna, purpose="email_marketing")
    assert Suppression.objects.filter(channel="email").count() == 3
