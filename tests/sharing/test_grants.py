"""A merchant sees a shared item only while it is granted, at the very next check-in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.common.errors import DomainError
from kliento.register import catalogue
from kliento.register import services as register
from kliento.sharing import services as sharing
from tests.conftest import MerchantWorld
from tests.sharing.conftest import SAMPLE_VALUES, api_checkin

pytestmark = pytest.mark.django_db

checkin = api_checkin


def test_every_shareable_item_is_declared_in_the_sample() -> None:
    shareable = {item.key for item in catalogue.ITEMS if item.shareable and item.in_profile}
    assert shareable == set(SAMPLE_VALUES)


@pytest.mark.parametrize(
    "item_key", sorted(k for k in SAMPLE_VALUES if not catalogue.BY_KEY[k].special_category)
)
def test_a_merchant_sees_an_item_only_while_it_is_granted(
    client: Client,
    merchant_a: MerchantWorld,
    cardholder: User,
    person: tuple[Any, str],
    item_key: str,
) -> None:
    subject, number = person
    me = Actor.person(cardholder)
    assert checkin(client, merchant_a, number)["customer"] == {}

    sharing.grants_set(subject=subject, merchant=merchant_a.merchant, items=[item_key], actor=me)
    shown = checkin(client, merchant_a, number)["customer"]
    expected = SAMPLE_VALUES[item_key]
    assert shown == {item_key: [expected] if catalogue.BY_KEY[item_key].multiple else expected}

    sharing.grants_set(subject=subject, merchant=merchant_a.merchant, items=[], actor=me)
    assert checkin(client, merchant_a, number)["customer"] == {}


def test_health_data_needs_an_explicit_confirmation_naming_the_merchant(
    client: Client, merchant_a: MerchantWorld, cardholder: User, person: tuple[Any, str]
) -> None:
    subject, number = person
    me = Actor.person(cardholder)
    with pytest.raises(DomainError):
        sharing.grants_set(
            subject=subject, merchant=merchant_a.merchant, items=["allergies"], actor=me
        )
    with pytest.raises(DomainError):
        sharing.grants_set(
            subject=subject, merchant=merchant_a.merchant, items=["allergies"], actor=me,
            confirm_special_for="Some other shop",
        )  # fmt: skip
    assert checkin(client, merchant_a, number)["customer"] == {}

    sharing.grants_set(
        subject=subject, merchant=merchant_a.merchant, items=["allergies"], actor=me,
        confirm_special_for=merchant_a.merchant.name,
    )  # fmt: skip
    assert checkin(client, merchant_a, number)["customer"] == {"allergies": "Peanuts"}


def test_a_deleted_value_disappears_at_once_and_a_correction_shows_at_once(
    client: Client, merchant_a: MerchantWorld, cardholder: User, person: tuple[Any, str]
) -> None:
    subject, number = person
    me = Actor.person(cardholder)
    sharing.grants_set(
        subject=subject, merchant=merchant_a.merchant, items=["first_name", "phone"], actor=me
    )

    register.profile_value_set(subject=subject, item_key="first_name", value="Anna", actor=me)
    register.profile_item_clear(subject=subject, item_key="phone", actor=me)

    assert checkin(client, merchant_a, number)["customer"] == {"first_name": "Anna"}


def test_leaving_a_merchant_withdraws_everything_and_other_merchants_never_see_grants(
    client: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld, cardholder: User,
    person: tuple[Any, str],
) -> None:  # fmt: skip
    subject, number = person
    me = Actor.person(cardholder)
    sharing.grants_set(
        subject=subject, merchant=merchant_a.merchant, items=["first_name"], actor=me
    )
    assert checkin(client, merchant_b, number)["customer"] == {}

    sharing.relationship_leave(subject=subject, merchant=merchant_a.merchant, actor=me)
    assert checkin(client, merchant_a, number)["customer"] == {}


def test_each_read_by_a_terminal_is_recorded_with_its_premises_and_items(
    client: Client, merchant_a: MerchantWorld, cardholder: User, person: tuple[Any, str]
) -> None:
    subject, number = person
    me = Actor.person(cardholder)
    sharing.grants_set(
        subject=subject, merchant=merchant_a.merchant, items=["first_name"], actor=me
    )

    checkin(client, merchant_a, number)

    entry = AuditEntry.objects.filter(subject_id=subject.public_id, action="profile.read").get()
    assert entry.actor_kind == "terminal"
    assert entry.items == ["first_name"]
    assert entry.context["premises"] == str(merchant_a.premises.public_id)


def test_unshareable_items_and_unapproved_merchants_are_refused_and_nothing_is_shared(
    merchant_a: MerchantWorld, cardholder: User, person: tuple[Any, str]
) -> None:
    from kliento.merchants.models import Merchant
    from kliento.sharing.models import Grant

    subject, _number = person
    me = Actor.person(cardholder)
    with pytest.raises(DomainError):
        sharing.grants_set(
            subject=subject,
            merchant=merchant_a.merchant,
            items=["first_name", "feedback"],
            actor=me,
        )
    Merchant.objects.filter(pk=merchant_a.merchant.pk).update(status=Merchant.Status.SUSPENDED)
    merchant_a.merchant.refresh_from_db()
    with pytest.raises(DomainError):
        sharing.grants_set(
            subject=subject, merchant=merchant_a.merchant, items=["first_name"], actor=me
        )
    assert not Grant.objects.exists()
