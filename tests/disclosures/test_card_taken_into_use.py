"""A person takes an issuer's card into use: the disclosure to that issuer (privacy policy
section 7) is recorded and queued for its webhook, only when a recipient is registered
for the issuer, and only what it declared of what the person has, under the contract."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards import events
from kliento.cards.identifiers import Scanned
from kliento.cards.models import Card, CardIssuer
from kliento.cards.services import (
    card_change_complete,
    card_change_start,
    card_for_scan,
    card_issue_kliento,
    card_register,
)
from kliento.common.errors import DomainError, ErrorCode
from kliento.disclosures.models import Disclosure, OutboxMessage, Recipient
from kliento.register.models import ProcessingRestriction, Subject
from kliento.register.services import profile_value_set
from kliento.sharing.activity import Filters, Kind, timeline
from tests.disclosures.conftest import make_recipient

pytestmark = pytest.mark.django_db
URL = "https://hooks.example.com/hsl"
UID = "04A1B2C3D4E5F6"


@pytest.fixture
def scanned() -> tuple[Card, str]:
    """A travel card scanned at a till for the first time: unregistered, with its code."""
    found = card_for_scan(Scanned(kind="contactless", value=UID), create=True)
    assert found.registration_code is not None
    return found.card, found.registration_code


@pytest.fixture
def me(cardholder: User) -> Actor:
    return Actor.person(cardholder)


@pytest.fixture
def named(person: Subject, me: Actor) -> Subject:
    profile_value_set(subject=person, item_key="first_name", value="Anna", actor=me)
    return person


def _issuer_recipient(admin: Actor, issuer: CardIssuer, **extra: object) -> Recipient:
    fields: dict[str, object] = {
        "card_issuer": issuer, "name": "HSL",
        "items": ["first_name", "last_name", "card_identifiers"], "purposes": ["service"],
    }  # fmt: skip
    return make_recipient(admin, Recipient.Kind.CARD_ISSUER, URL, **(fields | extra))[0]


def _nothing_disclosed() -> None:
    assert not Disclosure.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not AuditEntry.objects.filter(action="disclosure.record").exists()


def test_the_disclosures_app_subscribes_to_cards_taken_into_use() -> None:
    assert "disclosures" in [s.name for s in events.subscribers()]


def test_registering_an_issuer_card_discloses_to_its_recipient(
    admin: Actor, named: Subject, me: Actor, scanned: tuple[Card, str]
) -> None:
    card, code = scanned
    recipient = _issuer_recipient(admin, card.issuer)

    card_register(subject=named, card_number=UID, code=code, actor=me)

    rows = Disclosure.objects.filter(subject=named).order_by("item")
    # last_name is declared but the person has none: nothing that does not exist is sent.
    assert [(r.recipient, r.item, r.legal_basis, r.purpose) for r in rows] == [
        (recipient, "card_identifiers", "contract", "service"),
        (recipient, "first_name", "contract", "service"),
    ]
    message = OutboxMessage.objects.get()
    assert (message.recipient, message.event, message.status) == (
        recipient, "disclosure", "pending",
    )  # fmt: skip
    assert message.payload == {
        "subject": str(named.public_id), "items": ["card_identifiers", "first_name"],
        "purpose": "service", "legal_basis": "contract",
    }  # fmt: skip
    assert "Anna" not in str(message.payload)
    entry = AuditEntry.objects.get(action="disclosure.record")
    assert entry.subject_id == named.public_id
    with override("en"):
        titles = [
            e.title
            for e in timeline(subject=named, filters=Filters(kinds=frozenset({Kind.DISCLOSURE})))
        ]
    assert titles == ["Your data was given to HSL"]


def test_without_a_recipient_for_the_issuer_nothing_is_disclosed(
    named: Subject, me: Actor, scanned: tuple[Card, str]
) -> None:
    _card, code = scanned

    card = card_register(subject=named, card_number=UID, code=code, actor=me)

    assert card.holder == named
    _nothing_disclosed()


def test_a_recipient_of_another_issuer_receives_nothing(
    admin: Actor, named: Subject, me: Actor, scanned: tuple[Card, str]
) -> None:
    _card, code = scanned
    kliento_card, _number, _code = card_issue_kliento(actor=Actor.system("tests"))
    _issuer_recipient(admin, kliento_card.issuer, name="Kliento itself")

    card_register(subject=named, card_number=UID, code=code, actor=me)

    _nothing_disclosed()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"is_active": False}, id="inactive"),
        pytest.param({"purposes": ["direct_marketing"]}, id="no-contract-purpose"),
        pytest.param({"items": ["last_name"]}, id="nothing-the-person-has"),
    ],
)
def test_nothing_is_disclosed_beyond_the_recipients_declaration(
    admin: Actor, named: Subject, me: Actor, scanned: tuple[Card, str], change: dict[str, object]
) -> None:
    card, code = scanned
    recipient = _issuer_recipient(admin, card.issuer)
    Recipient.objects.filter(pk=recipient.pk).update(**change)

    card_register(subject=named, card_number=UID, code=code, actor=me)

    _nothing_disclosed()


def test_nothing_is_disclosed_while_processing_is_restricted(
    admin: Actor, named: Subject, me: Actor, scanned: tuple[Card, str]
) -> None:
    card, code = scanned
    _issuer_recipient(admin, card.issuer)
    ProcessingRestriction.objects.create(subject=named, reason="accuracy contested",
                                         started_at=timezone.now())  # fmt: skip

    card_register(subject=named, card_number=UID, code=code, actor=me)

    _nothing_disclosed()


def test_a_refused_registration_discloses_nothing(
    admin: Actor, named: Subject, me: Actor, scanned: tuple[Card, str]
) -> None:
    card, _code = scanned
    _issuer_recipient(admin, card.issuer)

    with pytest.raises(DomainError) as caught:
        card_register(subject=named, card_number=UID, code="WRONG-CODE", actor=me)

    assert caught.value.code == ErrorCode.CODE_INVALID
    _nothing_disclosed()


def test_a_card_change_to_an_issuer_card_discloses_to_its_recipient(
    admin: Actor, named: Subject, me: Actor, card: Card
) -> None:
    _change, code = card_change_start(new_card_input=UID, actor=Actor.system("tests"))
    new = Card.objects.get(kind=Card.Kind.CONTACTLESS)
    recipient = _issuer_recipient(admin, new.issuer)

    card_change_complete(subject=named, old_card=card, code=code, actor=me)

    assert set(Disclosure.objects.values_list("recipient", "item")) == {
        (recipient.pk, "card_identifiers"), (recipient.pk, "first_name"),
    }  # fmt: skip
    assert OutboxMessage.objects.filter(recipient=recipient, event="disclosure").count() == 1


def test_the_persons_card_page_discloses_and_activity_shows_it(
    admin: Actor, named: Subject, scanned: tuple[Card, str], cardholder_client: Any
) -> None:
    card, code = scanned
    _issuer_recipient(admin, card.issuer)

    response = cardholder_client.post(
        "/profile/cards/register/", {"card_number": UID, "code": code}
    )

    assert response.status_code == 302
    assert Disclosure.objects.filter(subject=named).count() == 2
    page = cardholder_client.get(
        "/profile/activity/?kind=disclosure", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Your data was given to HSL" in page
