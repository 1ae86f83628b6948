"""Recording disclosures: the rules per kind of recipient, bad input, Activity, the
person page, and the messages queued for corrections and erasures."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils.translation import override

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import ActorKind, AuditEntry
from kliento.cards.models import Card
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent.services import consent_give, consent_withdraw
from kliento.disclosures.models import Disclosure, OutboxMessage, Recipient
from kliento.disclosures.services import (
    disclosure_record,
    outbox_notify_correction,
    outbox_notify_erasure,
)
from kliento.register.models import Subject
from kliento.sharing.activity import Filters, Kind, timeline
from tests.disclosures.conftest import make_recipient, staff_client

pytestmark = pytest.mark.django_db
URL = "https://hooks.example.com/kliento"
SYSTEM = Actor.system("tests")


@pytest.fixture
def issuer(admin: Actor, card: Card) -> Recipient:
    return make_recipient(admin, Recipient.Kind.CARD_ISSUER, URL, card_issuer=card.issuer,
                          name="HSL")[0]  # fmt: skip


@pytest.fixture
def partner(admin: Actor) -> Recipient:
    return make_recipient(admin, Recipient.Kind.PARTNER, URL, name="Partner Oy")[0]


@pytest.fixture
def processor(admin: Actor) -> Recipient:
    return make_recipient(admin, Recipient.Kind.PROCESSOR, URL, name="SMS Oy",
                          items=["phone", "allergies"], purposes=["service"])[0]  # fmt: skip


def _consent(person: Subject, cardholder: User) -> None:
    consent_give(subject=person, purpose_key="partner_marketing", language="fi", channel="web",
                 actor=Actor.person(cardholder))  # fmt: skip


def _nothing_recorded() -> None:
    assert not Disclosure.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="disclosure.").exists()


def test_card_issuer_disclosure_is_recorded_per_item(person: Subject, issuer: Recipient) -> None:
    rows = disclosure_record(subject=person, recipient=issuer, items=["last_name", "first_name"],
                             legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip

    assert sorted(r.item for r in rows) == ["first_name", "last_name"]
    assert set(Disclosure.objects.values_list("legal_basis", flat=True)) == {"contract"}
    message = OutboxMessage.objects.get()
    assert message.event == "disclosure"
    assert message.payload == {
        "subject": str(person.public_id), "items": ["first_name", "last_name"],
        "purpose": "service", "legal_basis": "contract",
    }  # fmt: skip


def test_card_issuer_needs_a_card_the_person_uses(
    admin: Actor, other_cardholder: User, issuer: Recipient
) -> None:
    from kliento.register.services import subject_of

    stranger = subject_of(other_cardholder)
    with pytest.raises(DomainError) as caught:
        disclosure_record(subject=stranger, recipient=issuer, items=["first_name"],
                          legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    assert caught.value.details["field"] == "recipient"
    _nothing_recorded()


def test_partner_needs_the_persons_consent(
    person: Subject, cardholder: User, partner: Recipient
) -> None:
    kwargs: dict[str, Any] = {"subject": person, "recipient": partner, "items": ["email"],
                              "legal_basis": "consent", "purpose": "direct_marketing",
                              "actor": SYSTEM}  # fmt: skip
    with pytest.raises(DomainError) as caught:
        disclosure_record(**kwargs)
    assert caught.value.code == ErrorCode.VALUE_INVALID
    assert "consent" in str(caught.value.message)
    _nothing_recorded()

    _consent(person, cardholder)
    assert len(disclosure_record(**kwargs)) == 1

    consent_withdraw(subject=person, purpose_key="partner_marketing", channel="web", language="fi",
                     actor=Actor.person(cardholder))  # fmt: skip
    with pytest.raises(DomainError):
        disclosure_record(**kwargs)
    assert Disclosure.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"items": ["shoe_size"]}, "items"),  # not declared by the partner
        ({"items": ["no_such_item"]}, "item"),  # not in the catalogue
        ({"items": []}, "items"),
        ({"purpose": "service"}, "purpose"),  # not declared by the partner
        ({"legal_basis": "contract"}, "legal_basis"),  # a partner needs consent
        ({"legal_basis": "because"}, "legal_basis"),
    ],
)
def test_undeclared_items_purposes_and_bases_are_refused(
    person: Subject, cardholder: User, partner: Recipient, change: dict[str, Any], field: str
) -> None:
    _consent(person, cardholder)
    kwargs: dict[str, Any] = {"subject": person, "recipient": partner, "items": ["email"],
                              "legal_basis": "consent", "purpose": "direct_marketing",
                              "actor": SYSTEM} | change  # fmt: skip
    with pytest.raises(DomainError) as caught:
        disclosure_record(**kwargs)
    # an item missing from the catalogue is unknown; every other refusal is a bad value
    assert caught.value.code == (
        ErrorCode.ITEM_UNKNOWN if field == "item" else ErrorCode.VALUE_INVALID
    )
    assert field in (caught.value.details.get("field"), *caught.value.details)
    _nothing_recorded()


def test_processor_uses_the_basis_each_item_is_processed_under(
    person: Subject, processor: Recipient
) -> None:
    with pytest.raises(DomainError) as caught:
        disclosure_record(subject=person, recipient=processor, items=["phone", "allergies"],
                          legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    assert caught.value.details["items"] == ["allergies"]
    _nothing_recorded()
    disclosure_record(subject=person, recipient=processor, items=["phone"],
                      legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    assert Disclosure.objects.count() == 1


def test_inactive_recipient_and_erased_person_are_refused(
    person: Subject, processor: Recipient
) -> None:
    Recipient.objects.filter(pk=processor.pk).update(is_active=False)
    processor.refresh_from_db()
    with pytest.raises(DomainError):
        disclosure_record(subject=person, recipient=processor, items=["phone"],
                          legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    _nothing_recorded()


def test_disclosure_shows_in_the_persons_activity(
    person: Subject, issuer: Recipient, cardholder_client: Any
) -> None:
    disclosure_record(subject=person, recipient=issuer, items=["first_name"],
                      legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip

    with override("en"):
        events = timeline(subject=person, filters=Filters(kinds=frozenset({Kind.DISCLOSURE})))
    assert [e.title for e in events] == ["Your data was given to HSL"]
    assert events[0].items == ["first_name"]
    page = cardholder_client.get(
        "/profile/activity/?kind=disclosure", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Your data was given to HSL" in page


@pytest.mark.usefixtures("processor")  # received nothing, so is told nothing
def test_correction_and_erasure_reach_only_recipients_that_received_the_data(
    person: Subject, cardholder: User, issuer: Recipient, partner: Recipient,
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    _consent(person, cardholder)
    disclosure_record(subject=person, recipient=issuer, items=["first_name"],
                      legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    disclosure_record(subject=person, recipient=partner, items=["email"],
                      legal_basis="consent", purpose="direct_marketing", actor=SYSTEM)  # fmt: skip
    OutboxMessage.objects.all().delete()
    me = Actor.person(cardholder)

    with transaction.atomic(), django_assert_num_queries(1):  # one query, nothing written
        assert outbox_notify_correction(subject=person, items=["phone"], actor=me) == 0
    assert outbox_notify_correction(subject=person, items=["email", "phone"], actor=me) == 1
    message = OutboxMessage.objects.get()
    assert (message.recipient, message.event, message.payload["items"]) == (
        partner, "correction", ["email"],
    )  # fmt: skip

    assert outbox_notify_erasure(subject=person, actor=me) == 2
    erasures = OutboxMessage.objects.filter(event="erasure")
    assert {m.recipient.name for m in erasures} == {"HSL", "Partner Oy"}
    with override("en"):
        titles = [e.title for e in timeline(subject=person, filters=Filters())]
    assert "Partner Oy was told to erase your data" in titles
    assert "Partner Oy was told about your correction" in titles


def _disclose_then_fail(person: Subject, issuer: Recipient) -> None:
    with transaction.atomic():
        disclosure_record(subject=person, recipient=issuer, items=["first_name"],
                          legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
        raise RuntimeError("the caller failed after recording")


def test_a_failing_disclosure_rolls_back_its_message(person: Subject, issuer: Recipient) -> None:
    with pytest.raises(RuntimeError):
        _disclose_then_fail(person, issuer)
    _nothing_recorded()


def test_person_page_lists_disclosures_and_records_the_look(
    person: Subject, issuer: Recipient, staff_user: Any
) -> None:
    disclosure_record(subject=person, recipient=issuer, items=["first_name"],
                      legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    client = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)

    url = f"/staff/people/{person.public_id}/disclosures/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "HSL" in page
    assert "First name" in page  # the item's label
    assert AuditEntry.objects.filter(
        action="disclosures.read", subject_id=person.public_id
    ).exists()
    marketing = staff_client(staff_user, StaffRole.MARKETING)
    assert marketing.get(f"/staff/people/{person.public_id}/disclosures/").status_code == 403


def test_person_page_query_count_does_not_grow(
    person: Subject, issuer: Recipient, staff_user: Any, django_assert_num_queries: Any
) -> None:
    client = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    url = f"/staff/people/{person.public_id}/disclosures/"
    disclosure_record(subject=person, recipient=issuer, items=["first_name"],
                      legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    client.get(url)
    # session, user, MFA, roles, subject, savepoint, audit head, entry and its network
    # row (the IP, ADR 0016), rows, release, and the recipients offered by the form that
    # records a disclosure by hand
    with django_assert_num_queries(15) as one:
        client.get(url)
    disclosure_record(subject=person, recipient=issuer, items=["last_name", "email"],
                      legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_erasure_notice_costs_the_same_whatever_the_history(
    person: Subject, issuer: Recipient, django_assert_num_queries: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    def disclose(times: int) -> None:
        for _ in range(times):
            disclosure_record(subject=person, recipient=issuer, items=["first_name"],
                              legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip

    disclose(1)
    with transaction.atomic(), django_assert_max_num_queries(20) as short:
        outbox_notify_erasure(subject=person, actor=SYSTEM)
        transaction.set_rollback(True)
    disclose(20)
    with transaction.atomic(), django_assert_num_queries(len(short.captured_queries)):
        assert outbox_notify_erasure(subject=person, actor=SYSTEM) == 1


def test_correcting_or_deleting_a_disclosed_item_tells_its_recipient(
    person: Subject, cardholder: User, issuer: Recipient
) -> None:
    from kliento.register import services as register
    from kliento.register.models import ProfileValue

    me = Actor.person(cardholder)
    register.profile_value_set(subject=person, item_key="first_name", value="Anna", actor=me)
    disclosure_record(subject=person, recipient=issuer, items=["first_name"],
                      legal_basis="contract", purpose="service", actor=SYSTEM)  # fmt: skip
    OutboxMessage.objects.all().delete()
    value_id = ProfileValue.objects.get(subject=person, item="first_name").public_id

    # When the person corrects the value, and then deletes it
    register.profile_value_update(subject=person, value_id=value_id, value="Anni", actor=me)
    register.profile_value_delete(subject=person, value_id=value_id, actor=me)
    # and changes an item the recipient never received
    register.profile_value_set(subject=person, item_key="title", value="Chef", actor=me)

    # Then the card issuer was told twice about first_name and nothing else
    messages = OutboxMessage.objects.order_by("pk")
    assert [(m.recipient, m.event, m.payload["items"]) for m in messages] == [
        (issuer, "correction", ["first_name"]),
        (issuer, "correction", ["first_name"]),
    ]


@pytest.mark.parametrize(
    "actor",
    [
        Actor.system("tests"),
        Actor(ActorKind.STAFF, "x", role="marketing"),
        Actor(ActorKind.STAFF, "x", role="auditor"),
    ],
)
def test_only_the_privacy_officer_and_customer_service_review_disclosures(
    person: Subject, actor: Actor
) -> None:
    from kliento.audit.models import AuditEntry
    from kliento.common.errors import DomainError
    from kliento.disclosures.services import disclosures_read

    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        disclosures_read(subject=person, actor=actor)
    assert refused.value.code == "permission_denied"
    assert AuditEntry.objects.count() == before
