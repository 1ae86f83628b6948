"""The webhook outbox against a real HTTP receiver on 127.0.0.1: signatures, the
idempotency id, retries with backoff, giving up, and delivery after commit."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from kliento.audit.actors import Actor
from kliento.cards.models import Card
from kliento.disclosures import outbox
from kliento.disclosures.models import OutboxMessage, Recipient
from kliento.disclosures.services import disclosure_record
from kliento.register.models import Subject
from tests.disclosures.conftest import Receiver, make_recipient

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def issuer(admin: Actor, card: Card, receiver: Receiver) -> Recipient:
    recipient, secret = make_recipient(
        admin, Recipient.Kind.CARD_ISSUER, receiver.url, card_issuer=card.issuer, name="HSL"
    )
    receiver.secret = secret
    return recipient


def _disclose(person: Subject, issuer: Recipient) -> OutboxMessage:
    disclosure_record(subject=person, recipient=issuer, items=["first_name"],
                      legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    return OutboxMessage.objects.get()


def test_a_message_is_delivered_signed_with_its_idempotency_id(
    person: Subject, issuer: Recipient, receiver: Receiver
) -> None:
    message = _disclose(person, issuer)

    counts = outbox.outbox_deliver_due()

    assert counts == {"delivered": 1, "retrying": 0, "failed": 0}
    [request] = receiver.received
    assert request.valid
    assert request.headers[outbox.IDEMPOTENCY_HEADER] == str(message.public_id)
    assert request.headers[outbox.EVENT_HEADER] == "disclosure"
    body = json.loads(request.body)
    assert body["id"] == str(message.public_id)
    assert body["data"] == {"subject": str(person.public_id), "items": ["first_name"],
                            "purpose": "service", "legal_basis": "contract"}  # fmt: skip
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 1)
    assert outbox.outbox_deliver_due() == {"delivered": 0, "retrying": 0, "failed": 0}


def test_a_wrong_secret_fails_verification_and_is_retried(
    person: Subject, issuer: Recipient, receiver: Receiver
) -> None:
    receiver.secret = "whsec_someone_else"
    message = _disclose(person, issuer)

    outbox.outbox_deliver_due()

    assert not receiver.received[0].valid
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("pending", "HTTP 400")


def test_failures_back_off_exponentially_then_succeed_with_the_same_id(
    person: Subject, issuer: Recipient, receiver: Receiver
) -> None:
    receiver.statuses = [500, 503]
    message = _disclose(person, issuer)
    now = timezone.now()

    outbox.outbox_deliver_due(now=now)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == now + outbox.BACKOFF_BASE
    assert outbox.outbox_deliver_due(now=now + timedelta(seconds=29))["retrying"] == 0

    later = message.next_attempt_at
    outbox.outbox_deliver_due(now=later)
    message.refresh_from_db()
    assert message.next_attempt_at == later + 2 * outbox.BACKOFF_BASE

    outbox.outbox_deliver_due(now=message.next_attempt_at)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 3)
    ids = {r.headers[outbox.IDEMPOTENCY_HEADER] for r in receiver.received}
    assert ids == {str(message.public_id)}
    assert len({r.body for r in receiver.received}) == 1  # the same bytes every time


def test_gives_up_after_the_last_attempt(
    person: Subject, issuer: Recipient, receiver: Receiver
) -> None:
    receiver.statuses = [500] * outbox.MAX_ATTEMPTS
    message = _disclose(person, issuer)
    moment = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.outbox_deliver_due(now=moment)
        message.refresh_from_db()
        moment = message.next_attempt_at

    assert (message.status, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert message.last_error == "HTTP 500"
    assert outbox.outbox_deliver_due(now=moment + timedelta(days=1))["failed"] == 0
    assert len(receiver.received) == outbox.MAX_ATTEMPTS


def test_an_unreachable_receiver_is_retried(admin: Actor, person: Subject, card: Card) -> None:
    recipient, _ = make_recipient(admin, Recipient.Kind.CARD_ISSUER, "http://127.0.0.1:9/x",
                                  card_issuer=card.issuer)  # fmt: skip
    message = _disclose(person, recipient)

    assert outbox.outbox_deliver_due()["retrying"] == 1
    message.refresh_from_db()
    assert message.status == "pending"
    assert message.last_error


@pytest.mark.django_db(transaction=True)
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_the_task_delivers_after_commit(
    person: Subject, issuer: Recipient, receiver: Receiver
) -> None:
    message = _disclose(person, issuer)

    message.refresh_from_db()
    assert message.status == "delivered"
    assert receiver.received[0].valid


def test_verify_refuses_tampering_and_replays() -> None:
    body = b'{"id":"x"}'
    header = outbox.sign("whsec_a", 1_800_000_000, body)
    assert outbox.verify("whsec_a", header, body, now=1_800_000_010)
    assert not outbox.verify("whsec_a", header, body + b" ", now=1_800_000_010)
    assert not outbox.verify("whsec_b", header, body, now=1_800_000_010)
    assert not outbox.verify("whsec_a", header, body, now=1_800_000_000 + 301)
    assert not outbox.verify("whsec_a", "v1=abc", body, now=1_800_000_000)
    assert not outbox.verify("whsec_a", "t=soon,v1=abc", body, now=1_800_000_000)


@pytest.mark.django_db(transaction=True)
def test_a_message_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        outbox.enqueue(recipient=Recipient(), subject=Subject(), event="correction", data={})
    assert not OutboxMessage.objects.exists()


def test_the_command_delivers_due_messages(
    person: Subject, issuer: Recipient, receiver: Receiver, capsys: Any
) -> None:
    from django.core.management import call_command

    _disclose(person, issuer)
    call_command("outbox", "deliver")
    assert "delivered 1" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_recipient_answers(
    person: Subject, issuer: Recipient, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    with transaction.atomic():
        message = _disclose(person, issuer)
    seen: list[bool] = []
    real_post = outbox._post

    def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[bool, str]:
        seen.append(connection.in_atomic_block)
        # while the request is in flight, a second worker finds nothing due to send
        assert outbox.outbox_attempt(message_id=str(message.public_id)) is None
        return real_post(url, body, headers)

    monkeypatch.setattr(outbox, "_post", post)

    outbox.outbox_deliver_due()

    assert seen == [False]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 1)
    assert len(receiver.received) == 1
