"""The signed webhook outbox (docs/webhooks.md).

A message row is written in the transaction of its event; after commit a task delivers
it, with no transaction open while the recipient answers. Each request carries
``Kliento-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` under the
recipient's secret, and ``Kliento-Idempotency-Key``, the same
on every retry. A failed attempt is retried with exponential backoff; after
``MAX_ATTEMPTS`` the message is marked failed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from kliento.common import crypto
from kliento.disclosures.models import OutboxMessage, Recipient
from kliento.register.models import Subject

logger = logging.getLogger("kliento.disclosures")

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)  # 30 s, 1 min, 2 min, ... about 1 h before the last
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "Kliento-Signature"
IDEMPOTENCY_HEADER = "Kliento-Idempotency-Key"
EVENT_HEADER = "Kliento-Event"
TOLERANCE_SECONDS = 300
# While a request is in flight its message is due no sooner than this: past the timeout.
IN_FLIGHT = timedelta(seconds=TIMEOUT_SECONDS + 50)
_AAD = b"webhook-secret:"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def seal_secret(secret: str, *, recipient_id: str) -> tuple[str, bytes]:
    """Seal a signing secret under the current key-encryption key, bound to its owner."""
    kek_id = crypto.current_kek_id()
    return kek_id, crypto.seal(crypto.kek(kek_id), secret.encode(), _AAD + recipient_id.encode())


def recipient_secret(recipient: Recipient) -> str:
    return crypto.open_sealed(
        crypto.kek(recipient.secret_kek_id),
        bytes(recipient.secret_sealed),
        _AAD + str(recipient.public_id).encode(),
    ).decode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    secret: str, header: str, body: bytes, *, now: int | None = None, tolerance: int = 300
) -> bool:
    """What a recipient does: check the HMAC in constant time and refuse old timestamps
    (a replayed request)."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((int(time.time()) if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).partition(",v1=")[2]
    return any(hmac.compare_digest(expected, given) for given in fields.get("v1", []))


def body_of(message: OutboxMessage) -> bytes:
    """The JSON the recipient receives: the same bytes on every attempt."""
    document = {
        "id": str(message.public_id),
        "type": message.event,
        "created_at": message.created_at.isoformat(),
        "recipient": str(message.recipient.public_id),
        "data": message.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def enqueue(
    *, recipient: Recipient, subject: Subject, event: str, data: dict[str, Any]
) -> OutboxMessage:
    """Write a message in the caller's transaction; deliver it once that commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox messages are written in the transaction of their event")
    message = OutboxMessage.objects.create(
        recipient=recipient, subject=subject, event=event,
        payload={"subject": str(subject.public_id), **data},
    )  # fmt: skip
    message_id = str(message.public_id)
    transaction.on_commit(lambda: outbox_deliver.enqueue(message_id))
    return message


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s doubled each time."""
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[bool, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (scheme checked at registration)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return 200 <= response.status < 300, f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return False, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return False, str(getattr(error, "reason", error))[:300]


def _claim(message_id: str, now: datetime) -> tuple[OutboxMessage, bytes, dict[str, str]] | None:
    """Take one due message for delivery in a short transaction of its own: its next
    attempt moves past the request's timeout, so another worker leaves it alone while it is
    in flight, and a worker that dies mid-request leaves it to be retried."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(public_id=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None or message.next_attempt_at > now:
            return None
        # the real clock: a sweep's "now" is taken once for many slow requests
        message.next_attempt_at = timezone.now() + IN_FLIGHT
        message.save(update_fields=["next_attempt_at"])
    body = body_of(message)
    timestamp = int(time.time())  # the real sending time, whatever ``now`` says
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kliento-Webhooks/1",
        SIGNATURE_HEADER: sign(recipient_secret(message.recipient), timestamp, body),
        IDEMPOTENCY_HEADER: str(message.public_id),
        EVENT_HEADER: message.event,
    }
    return message, body, headers


def outbox_attempt(*, message_id: str, now: datetime | None = None) -> OutboxMessage | None:
    """Try to deliver one message that is due; record the outcome. Returns the message,
    or None when it is not pending, not due or being delivered by another worker.

    The request to the recipient runs outside any transaction: no row lock (and on SQLite
    no write lock) is held while a slow recipient answers, for up to ``TIMEOUT_SECONDS``.
    """
    now = now or timezone.now()
    claimed = _claim(message_id, now)
    if claimed is None:
        return None
    message, body, headers = claimed
    ok, outcome = _post(message.recipient.webhook_url, body, headers)
    message.attempts += 1
    if ok:
        message.status = OutboxMessage.Status.DELIVERED
        message.delivered_at = now
        message.last_error = ""
    elif message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxMessage.Status.FAILED
        message.last_error = outcome
        logger.warning("webhook %s failed for good: %s", message.public_id, outcome)
    else:
        message.next_attempt_at = now + backoff(message.attempts)
        message.last_error = outcome
    message.save(
        update_fields=["attempts", "status", "delivered_at", "last_error", "next_attempt_at"]
    )
    return message


def outbox_deliver_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Attempt every pending message that is due (the scheduled sweep and
    ``kliento outbox deliver``). Returns counts by outcome."""
    now = now or timezone.now()
    ids = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("public_id", flat=True)[:limit]
    )
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for public_id in ids:
        message = outbox_attempt(message_id=str(public_id), now=now)
        if message is None:
            continue
        key = {"delivered": "delivered", "failed": "failed"}.get(message.status, "retrying")
        counts[key] += 1
    return counts


@task()
def outbox_deliver(message_id: str) -> str:
    """Deliver one message; when it must wait, schedule the retry where the task backend
    can defer, else the sweep (``kliento outbox deliver``) picks it up when due."""
    message = outbox_attempt(message_id=message_id)
    if message is None:
        return "skipped"
    if message.status == OutboxMessage.Status.PENDING and default_task_backend.supports_defer:
        outbox_deliver.using(run_after=message.next_attempt_at).enqueue(message_id)
    return str(message.status)
