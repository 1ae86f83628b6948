"""Background work through the tasks API: mail is queued in the database and the worker
command (``kliento worker``, Django's ``db_worker``) delivers it."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kliento.config.mail import deliver_email

pytestmark = pytest.mark.django_db(transaction=True)

QUEUED = {
    "EMAIL_BACKEND": "kliento.config.mail.QueuedEmailBackend",
    "KLIENTO_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
}


@pytest.fixture(autouse=True)
def _queued_mail(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    # The production wiring: mail is queued in the database, delivered by the worker.
    with override_settings(**QUEUED, LANGUAGE_CODE="en"):
        yield


def run_worker() -> str:
    """``kliento worker --batch``: run every task that is ready, then exit."""
    out = io.StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out)
    return out.getvalue()


def test_mail_is_queued_and_the_worker_delivers_it() -> None:
    message = EmailMultiAlternatives(
        "Tervetuloa", "Hei!", "Kliento <no-reply@kliento.fi>", ["liisa@example.fi"]
    )
    message.attach_alternative("<p>Hei!</p>", "text/html")
    message.attach("receipt.json", b'{"ok": true}', "application/json")

    # When a page sends mail, nothing leaves yet: one task waits in the database
    assert message.send() == 1
    assert mail.outbox == []
    row = DBTaskResult.objects.get()
    assert row.status == TaskResultStatus.READY
    assert row.task_path == "kliento.config.mail.deliver_email"

    # When the worker runs, the message goes out whole and the task records its result
    run_worker()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == 1
    [sent] = mail.outbox
    assert sent.subject == "Tervetuloa"
    assert sent.to == ["liisa@example.fi"]
    assert sent.alternatives == [("<p>Hei!</p>", "text/html")]  # type: ignore[attr-defined]
    assert sent.attachments == [("receipt.json", b'{"ok": true}', "application/json")]

    # A second run finds nothing more to do
    run_worker()
    assert len(mail.outbox) == 1


def test_sign_up_mail_travels_through_the_queue() -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "queued@example.fi",
            "password1": "hyvää huomenta aurinkoinen tiistai",
            "password2": "hyvää huomenta aurinkoinen tiistai",
        },
    )
    assert response.status_code == 302
    assert mail.outbox == []
    assert DBTaskResult.objects.ready().count() == 1

    run_worker()

    [sent] = mail.outbox
    assert sent.to == ["queued@example.fi"]
    assert "/accounts/confirm-email/" in sent.body


def test_a_rolled_back_request_sends_no_mail() -> None:
    def failing_page() -> None:
        with transaction.atomic():
            send_mail("Kliento", "body", None, ["liisa@example.fi"])
            raise RuntimeError("the page failed after queueing mail")

    with pytest.raises(RuntimeError):
        failing_page()

    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


def test_a_failing_mail_server_fails_the_task_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    send_mail("Kliento", "secret link https://x/abc", None, ["liisa@example.fi"])

    with (
        override_settings(KLIENTO_EMAIL_DELIVERY_BACKEND="kliento.config.missing.Backend"),
        caplog.at_level(logging.INFO),
    ):
        run_worker()

    row = DBTaskResult.objects.get()
    assert row.status == TaskResultStatus.FAILED
    assert mail.outbox == []
    assert "Task id=" in caplog.text
    assert "https://x/abc" not in caplog.text


def test_immediate_backend_delivers_at_once() -> None:
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        result = deliver_email.enqueue(
            message={
                "subject": "Now",
                "body": "b",
                "from_email": None,
                "to": ["a@example.fi"],
                "cc": [],
                "bcc": [],
                "reply_to": [],
                "headers": {},
                "content_subtype": "plain",
                "alternatives": [],
                "attachments": [],
            }
        )

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [m.subject for m in mail.outbox] == ["Now"]


def test_with_an_immediate_task_backend_mail_leaves_only_after_commit() -> None:
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        with transaction.atomic():
            send_mail("Kliento", "body", None, ["liisa@example.fi"])
            assert mail.outbox == []  # nothing leaves inside the transaction
        assert [m.to for m in mail.outbox] == [["liisa@example.fi"]]

        def failing_page() -> None:
            with transaction.atomic():
                send_mail("Kliento", "rolled back", None, ["liisa@example.fi"])
                raise RuntimeError("the page failed after queueing mail")

        with pytest.raises(RuntimeError):
            failing_page()
        assert len(mail.outbox) == 1
