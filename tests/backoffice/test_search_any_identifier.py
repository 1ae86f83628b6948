"""Customer service pastes any identifier without choosing its kind: an e-mail address, a
phone number in any Finnish format, or a card number with or without spaces and dashes.
Only exact values are found, each look-up is audited, and bad input writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.audit.models import AuditEntry
from kliento.cards import identifiers
from kliento.cards.models import Card
from kliento.cards.services import card_for_scan
from kliento.register.models import Subject
from tests.backoffice.conftest import SEARCH, Anna, open_url

pytestmark = pytest.mark.django_db


def searches() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="profile.search").order_by("seq"))


def grouped(number: str, sep: str) -> str:
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


@pytest.mark.parametrize(
    ("value", "item"),
    [
        ("anna.virtanen@example.fi", "email"),  # the login address
        ("  ANNA.Virtanen@example.fi ", "email"),
        ("040 123 4567", "phone"),
        ("0401234567", "phone"),
        ("040-123 4567", "phone"),
        ("+358 40 123 4567", "phone"),
        ("+358401234567", "phone"),
        ("(040) 123 45 67", "phone"),
    ],
)
def test_an_email_or_phone_is_found_without_saying_which(
    cs: Client, anna: Anna, value: str, item: str
) -> None:
    response = cs.post(SEARCH, {"value": value})

    assert response.status_code == 200
    assert response.context["found"] == [anna.subject]
    assert open_url(anna.subject) in response.content.decode()
    [entry] = searches()
    assert (entry.subject_id, entry.items) == (anna.subject.public_id, [item])


@pytest.mark.parametrize("sep", [" ", "-", "", "  "])
def test_a_kliento_card_number_is_found_with_or_without_separators(
    cs: Client, anna: Anna, sep: str
) -> None:
    response = cs.post(SEARCH, {"value": grouped(anna.number, sep)})

    assert response.context["found"] == [anna.subject]
    assert searches()[0].items == ["card_identifiers"]


@pytest.mark.parametrize("uid", ["04A23B1C5D6E80", "04:a2:3b:1c:5d:6e:80", "04a2 3b1c"])
def test_a_contactless_card_is_found_by_its_uid(cs: Client, anna: Anna, uid: str) -> None:
    compact = uid.replace(":", "").replace(" ", "").upper()
    card = card_for_scan(identifiers.parse(compact), create=True).card
    Card.objects.filter(pk=card.pk).update(holder=anna.subject)

    response = cs.post(SEARCH, {"value": uid})

    assert response.context["found"] == [anna.subject]
    assert searches()[0].items == ["card_identifiers"]


@pytest.mark.parametrize(
    "value",
    [
        "anna.virtanen@example",  # a part of an address
        "040 123 4568",  # someone else's number
        "9246 0000 0000 0002",  # well formed, no such card
        "04A23B1C5D6E81",  # a UID no one holds
    ],
)
def test_a_part_or_an_unknown_value_finds_no_one(cs: Client, anna: Anna, value: str) -> None:
    response = cs.post(SEARCH, {"value": value})
    assert not response.context["found"]
    assert searches() == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("anna", "not an e-mail address, a phone number or a card number"),
        ("call me maybe", "not an e-mail address, a phone number or a card number"),
        ("9246 0000 0000 0001", "This is not a card Kliento can read."),  # check digit
        ("KLQR1:abc", "A phone QR code names no one"),
        ("12", "not an e-mail address, a phone number or a card number"),
        ("not an address@", "Enter a valid e-mail address"),
        ("", "This field is required."),
    ],
)
def test_a_malformed_value_is_a_clear_form_error_and_records_nothing(
    cs: Client, anna: Anna, value: str, message: str
) -> None:
    before = AuditEntry.objects.count()

    response = cs.post(SEARCH, {"value": value})

    assert response.status_code == 200
    assert response.context["found"] is None
    assert message in " ".join(response.context["form"].errors["value"])
    assert 'class="errorlist' in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_the_search_is_post_only_the_value_never_in_a_url(cs: Client, anna: Anna) -> None:
    response = cs.get(SEARCH, {"value": "0401234567"})
    assert response.context["found"] is None
    assert searches() == []
    page = cs.get(SEARCH).content.decode()
    assert 'method="post"' in page
    assert 'name="kind"' not in page  # nothing to choose first


def test_an_erased_person_is_not_found(cs: Client, anna: Anna) -> None:
    from django.utils import timezone

    Subject.objects.filter(pk=anna.subject.pk).update(erased_at=timezone.now())
    assert cs.post(SEARCH, {"value": "0401234567"}).context["found"] == []


def test_the_search_speaks_finnish(cs: Client, anna: Anna) -> None:
    response = cs.post(SEARCH, {"value": "hello"}, HTTP_ACCEPT_LANGUAGE="fi")
    assert "Tämä ei ole sähköpostiosoite, puhelinnumero eikä kortin numero." in " ".join(
        response.context["form"].errors["value"]
    )
