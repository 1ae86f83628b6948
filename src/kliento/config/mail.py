"""E-mail through the tasks API: a page queues the message, the worker delivers it.

``EMAIL_BACKEND`` is :class:`QueuedEmailBackend`; each message becomes one
``deliver_email`` task, and the worker (``kliento worker``) sends it with the backend
named by ``KLIENTO_EMAIL_DELIVERY_BACKEND`` (console, file or SMTP). With the database
task backend the task row is written in the request's transaction, so a request that
rolls back sends no mail, and a slow or unreachable mail server never slows a page.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from email.mime.base import MIMEBase
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django_tasks import task
from django_tasks_db import DatabaseBackend

logger = logging.getLogger("kliento.mail")


def message_to_payload(message: EmailMessage) -> dict[str, Any]:
    """The message as JSON-safe data for the task queue (bytes go as base64)."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment  # MIMEBase parts never reach here
        is_bytes = isinstance(content, bytes)
        attachments.append(
            {
                "filename": filename,
                "content": base64.b64encode(content).decode() if is_bytes else content,
                "base64": is_bytes,
                "mimetype": mimetype,
            }
        )
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "alternatives": [
            [str(content), mimetype]
            for content, mimetype in getattr(message, "alternatives", None) or []
        ],
        "attachments": attachments,
    }


def payload_to_message(payload: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    message.content_subtype = payload["content_subtype"]
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    for item in payload["attachments"]:
        content = base64.b64decode(item["content"]) if item["base64"] else item["content"]
        message.attach(item["filename"], content, item["mimetype"])
    return message


@task()
def deliver_email(message: dict[str, Any]) -> int:
    """Send one queued message with the delivery backend; returns how many were sent.

    A mail server error fails the task (the worker logs it, the row keeps the error)."""
    connection = get_connection(settings.KLIENTO_EMAIL_DELIVERY_BACKEND)
    sent = connection.send_messages([payload_to_message(message)]) or 0
    logger.info("mail delivered recipients=%d", len(message["to"]) + len(message["cc"]))
    return sent


def _deliver_now(message: EmailMessage) -> None:
    get_connection(settings.KLIENTO_EMAIL_DELIVERY_BACKEND).send_messages([message])


def _queue(enqueue: Callable[[], object]) -> None:
    """Queue in the sending transaction when the queue is a table of the same database (the
    row commits or rolls back with the page's data); otherwise once that commits, so a
    Redis or immediate backend never acts on a page that fails afterwards."""
    if isinstance(deliver_email.get_backend(), DatabaseBackend):
        enqueue()
    else:
        transaction.on_commit(enqueue)


class QueuedEmailBackend(BaseEmailBackend):
    """Django's e-mail backend interface, answered by queueing ``deliver_email`` tasks.

    Nothing reaches a mail server inside a transaction, and a page that fails after
    "sending" sends nothing, whichever task backend runs the queue (see ``_queue``).
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            if any(isinstance(part, MIMEBase) for part in message.attachments):
                # A ready-made MIME part cannot travel as JSON: deliver it after commit.
                transaction.on_commit(partial(_deliver_now, message))
            else:
                _queue(partial(deliver_email.enqueue, message=message_to_payload(message)))
            queued += 1
        return queued
