"""A balance correction is a compensating ledger entry with the reason and the staff
actor; earlier entries are never edited, and no correction takes a balance below zero."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards.models import Card
from kliento.cards.services import card_issue_kliento
from kliento.common.errors import DomainError, ErrorCode
from kliento.register import services as register
from kliento.register.models import Subject
from kliento.visits import loyalty
from kliento.visits.corrections import ledger_correct
from kliento.visits.models import LedgerEntry
from kliento.visits.services import checkin_record
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(staff_user: Any) -> Actor:
    return Actor.staff(staff_user(StaffRole.CUSTOMER_SERVICE), StaffRole.CUSTOMER_SERVICE.value)


@pytest.fixture
def anna(cardholder: User, merchant_a: MerchantWorld) -> tuple[Subject, Card]:
    """Anna with one visit at merchant A: 22 points and one stamp."""
    subject = register.subject_of(cardholder)
    card, number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=subject)
    checkin_record(
        premises=merchant_a.premises, card_input=number, amount_cents=1250,
        actor=merchant_a.actor(merchant_a.cashier),
    )  # fmt: skip
    return subject, card


def balance(card: Card, program: Any) -> tuple[int, int]:
    sums = loyalty.balances([program.pk], loyalty.account_card_ids(card))[program.pk]
    return sums.points, sums.stamps


def test_a_correction_is_a_new_entry_with_the_reason_and_the_staff_actor(
    anna: tuple[Subject, Card], merchant_a: MerchantWorld, service: Actor
) -> None:
    subject, card = anna
    earlier = list(LedgerEntry.objects.order_by("pk").values())

    entry = ledger_correct(
        card=card, program=merchant_a.points, points=15, stamps=0,
        reason="  Ticket 20: till was offline  ", actor=service,
    )  # fmt: skip

    assert (entry.kind, entry.points, entry.stamps) == (LedgerEntry.Kind.CORRECTION, 15, 0)
    assert entry.reason == "Ticket 20: till was offline"
    assert (entry.actor_kind, entry.actor_id) == ("staff", service.id)
    assert list(LedgerEntry.objects.order_by("pk").values())[: len(earlier)] == earlier
    assert balance(card, merchant_a.points) == (22 + 15, 0)
    audit = AuditEntry.objects.get(action="ledger.correct")
    assert (audit.subject_id, audit.purpose, audit.actor_role) == (
        subject.public_id, "Ticket 20: till was offline", "customer_service",
    )  # fmt: skip
    assert audit.context["points"] == 15


def test_a_correction_may_remove_down_to_zero_across_the_accounts_cards(
    anna: tuple[Subject, Card], merchant_a: MerchantWorld, service: Actor
) -> None:
    subject, card = anna
    second, _n, _c = card_issue_kliento(actor=Actor.system("tests"), holder=subject)

    ledger_correct(card=second, program=merchant_a.stamps, points=0, stamps=-1,
                   reason="Ticket 21: stamp given twice", actor=service)  # fmt: skip

    assert balance(card, merchant_a.stamps) == (0, 0)


@pytest.mark.parametrize(
    ("points", "stamps", "reason", "code"),
    [
        (-23, 0, "Ticket 22", ErrorCode.BALANCE_WOULD_BE_NEGATIVE),
        (0, -2, "Ticket 22", ErrorCode.BALANCE_WOULD_BE_NEGATIVE),
        (10, -2, "Ticket 22", ErrorCode.BALANCE_WOULD_BE_NEGATIVE),
        (0, 0, "Ticket 22", ErrorCode.CORRECTION_EMPTY),
        (5, 0, "   ", ErrorCode.REASON_REQUIRED),
    ],
)
def test_refused_corrections_write_nothing(  # noqa: PLR0917
    anna: tuple[Subject, Card], merchant_a: MerchantWorld, service: Actor,
    points: int, stamps: int, reason: str, code: ErrorCode,
) -> None:  # fmt: skip
    _subject, card = anna
    before = (LedgerEntry.objects.count(), AuditEntry.objects.count())
    program = merchant_a.stamps if stamps else merchant_a.points

    with pytest.raises(DomainError) as caught:
        ledger_correct(card=card, program=program, points=points, stamps=stamps,
                       reason=reason, actor=service)  # fmt: skip

    assert caught.value.code == code
    assert (LedgerEntry.objects.count(), AuditEntry.objects.count()) == before


def test_the_negative_refusal_tells_the_balance(
    anna: tuple[Subject, Card], merchant_a: MerchantWorld, service: Actor
) -> None:
    _subject, card = anna
    with pytest.raises(DomainError) as caught:
        ledger_correct(card=card, program=merchant_a.points, points=-100, stamps=0,
                       reason="Ticket 23", actor=service)  # fmt: skip
    assert caught.value.details == {"points": 22, "stamps": 0}


def test_the_person_sees_the_correction_in_their_activity(
    anna: tuple[Subject, Card], merchant_a: MerchantWorld, service: Actor,
    cardholder_client: Client,
) -> None:  # fmt: skip
    _subject, card = anna
    ledger_correct(card=card, program=merchant_a.stamps, points=0, stamps=2,
                   reason="Ticket 24: stamps missing", actor=service)  # fmt: skip

    page = cardholder_client.get("/profile/activity/").content.decode()

    assert "Customer service corrected your stamps in Kahvila Aalto stamps: +2" in page
    assert "Corrected your points or stamps" in page
    assert "Ticket 24: stamps missing" in page


def test_a_correction_of_points_and_stamps_shows_both_in_the_activity(
    anna: tuple[Subject, Card], merchant_a: MerchantWorld, service: Actor,
    cardholder_client: Client,
) -> None:  # fmt: skip
    _subject, card = anna
    ledger_correct(card=card, program=merchant_a.points, points=5, stamps=1,
                   reason="Ticket 25: both missing", actor=service)  # fmt: skip

    page = cardholder_client.get("/profile/activity/").content.decode()

    assert "+5 points, +1 stamps" in page


def test_no_correction_while_the_person_has_restricted_processing(
    anna: tuple[Subject, Card], merchant_a: MerchantWorld, service: Actor
) -> None:
    from kliento.register.models import ProcessingRestriction

    subject, card = anna
    ProcessingRestriction.objects.create(subject=subject, reason="Accuracy contested")
    before = LedgerEntry.objects.count()

    with pytest.raises(DomainError) as refused:
        ledger_correct(card=card, program=merchant_a.points, points=5, stamps=0,
                       reason="Ticket 26", actor=service)  # fmt: skip

    assert refused.value.code == ErrorCode.PROCESSING_RESTRICTED
    assert LedgerEntry.objects.count() == before
