"""A person with data in every export section, and another person for isolation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kliento.accounts.models import ApiToken, User
from kliento.accounts.tokens import token_create
from kliento.audit.actors import Actor
from kliento.cards import identifiers
from kliento.cards import services as cards
from kliento.cards.models import Card
from kliento.consent import services as consent
from kliento.merchants.models import Membership
from kliento.register import services as register
from kliento.register.models import Subject
from kliento.sharing import services as sharing
from kliento.visits.services import checkin_record
from tests.conftest import MerchantWorld, make_user
from tests.register.test_at_rest import PROFILE

LOGIN_EMAIL = "sentinel.login.p1zq@example.fi"
UID = "04C0FFEE7A9B42"


@dataclass(frozen=True)
class Person:
    user: User
    subject: Subject
    number: str  # the Kliento card's number
    token: str  # a personal access token's secret
    sentinels: tuple[str, ...]


def make_person(email: str, world: MerchantWorld, *, uid: str, other: MerchantWorld) -> Person:
    """Every profile item, two cards, visits with points, stamps and a reward, a
    relationship and grants, consents, a token, a merchant role and a staff read."""
    user = make_user(email)
    subject = register.subject_of(user)
    me = Actor.person(user)
    consent.consent_give(
        subject=subject, purpose_key="health_data", language="en", channel="web", actor=me
    )
    consent.consent_give(
        subject=subject, purpose_key="email_marketing", language="fi", channel="web", actor=me
    )
    for item_key, (value, _sentinels) in PROFILE.items():
        register.profile_value_set(subject=subject, item_key=item_key, value=value, actor=me)
    _card, number, _code = cards.card_issue_kliento(actor=Actor.system("tests"), holder=subject)
    found = cards.card_for_scan(identifiers.parse(uid), create=True)
    assert found.registration_code is not None
    cards.card_register(subject=subject, card_number=uid, code=found.registration_code, actor=me)
    terminal = Actor.terminal(
        str(world.terminal.public_id),
        merchant_id=str(world.merchant.public_id),
        premises_id=str(world.premises.public_id),
    )
    for card_input in (number, number, uid, number):
        checkin_record(
            premises=world.premises, card_input=card_input, actor=terminal, amount_cents=1250
        )
    sharing.relationship_join(subject=subject, merchant=world.merchant, actor=me)
    sharing.grants_set(
        subject=subject, merchant=world.merchant, items=["first_name", "email"], actor=me
    )
    register.profile_read(
        subject=subject,
        actor=Actor.staff(
            make_user(f"service.{uid[-4:].lower()}@kliento.example"), "customer_service"
        ),
        purpose="Customer called about a lost card",
        ticket="T-1",
    )
    _token, secret = token_create(
        kind=ApiToken.Kind.PERSONAL, name="export script", actor=Actor.person(user), user=user
    )
    Membership.objects.create(merchant=other.merchant, user=user, role=Membership.Role.CASHIER)
    sentinels = [s for _value, item_sentinels in PROFILE.values() for s in item_sentinels]
    sentinels += [number, uid, uid.lower(), email]
    return Person(user, subject, number, secret, tuple(sentinels))


@pytest.fixture
def person(merchant_a: MerchantWorld, merchant_b: MerchantWorld) -> Person:
    return make_person(LOGIN_EMAIL, merchant_a, uid=UID, other=merchant_b)


@pytest.fixture
def other_person(merchant_a: MerchantWorld, merchant_b: MerchantWorld) -> Person:
    """Someone else with the same kind of data (different card), at merchant B."""
    user = make_user("otto.other@example.fi")
    subject = register.subject_of(user)
    me = Actor.person(user)
    register.profile_value_set(subject=subject, item_key="first_name", value="Ottoxq", actor=me)
    _card, number, _code = cards.card_issue_kliento(actor=Actor.system("tests"), holder=subject)
    terminal = Actor.terminal(
        str(merchant_b.terminal.public_id),
        merchant_id=str(merchant_b.merchant.public_id),
        premises_id=str(merchant_b.premises.public_id),
    )
    checkin_record(premises=merchant_b.premises, card_input=number, actor=terminal)
    assert Card.objects.filter(holder=subject).count() == 1
    return Person(user, subject, number, "", ("Ottoxq", number))
