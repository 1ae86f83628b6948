"""Recipients of each kind, a person, and a real local webhook receiver."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import ActorKind
from kliento.cards.models import Card
from kliento.cards.services import card_issue_kliento
from kliento.disclosures import outbox
from kliento.disclosures.models import Recipient
from kliento.disclosures.services import recipient_create
from kliento.register.models import Subject
from kliento.register.services import subject_of


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    valid: bool


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that checks the signature of every request with
    ``secret`` and answers with the next of ``statuses`` (then 200)."""

    url: str = ""
    secret: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            valid = outbox.verify(state.secret, self.headers[outbox.SIGNATURE_HEADER], body)
            state.received.append(Received(dict(self.headers), body, valid))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status if valid else 400)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/kliento"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def admin() -> Actor:
    """An administrator as the services see one (no login needed, so it also works in
    transactional tests, where the role groups are flushed)."""
    return Actor(ActorKind.STAFF, str(uuid.uuid4()), StaffRole.ADMINISTRATOR.value)


@pytest.fixture
def person(cardholder: User) -> Subject:
    return subject_of(cardholder)


@pytest.fixture
def card(person: Subject) -> Card:
    card, _number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=person)
    Card.objects.filter(pk=card.pk).update(registered_at=timezone.now())
    card.refresh_from_db()
    return card


def make_recipient(admin: Actor, kind: str, url: str, **extra: Any) -> tuple[Recipient, str]:
    defaults: dict[str, Any] = {
        "name": f"Test {kind}",
        "items": ["first_name", "last_name", "email"],
        "purposes": ["service"],
    }
    if kind == Recipient.Kind.PARTNER:
        defaults |= {"consent_purpose": "partner_marketing", "purposes": ["direct_marketing"]}
    if kind == Recipient.Kind.PROCESSOR:
        defaults |= {
            "tasks": "Sends text messages",
            "agreement_reference": "DPA-2026-7",
            "agreement_date": date(2026, 10, 1),
        }
    defaults |= extra
    return recipient_create(kind=kind, webhook_url=url, actor=admin, **defaults)


def staff_client(staff_user: Any, role: StaffRole) -> Any:
    """A signed-in staff member with two-step verification set up."""
    import pyotp
    from allauth.mfa.totp.internal.auth import TOTP
    from django.test import Client

    user = staff_user(role)
    TOTP.activate(user, pyotp.random_base32())
    client = Client()
    client.force_login(user)
    return client
