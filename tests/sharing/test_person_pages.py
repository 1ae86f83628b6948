"""The person's sharing pages: grant and withdraw items and categories, health data only
with an explicit confirmation, join and leave; bad input changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.merchants.models import Merchant
from kliento.register.models import Subject
from kliento.sharing import services as sharing
from kliento.sharing.models import Grant, Relationship
from kliento.sharing.selectors import grants_version
from tests.conftest import MerchantWorld
from tests.sharing.conftest import api_checkin

pytestmark = pytest.mark.django_db


def url(world: MerchantWorld, suffix: str = "") -> str:
    return f"/profile/sharing/{world.merchant.public_id}/{suffix}"


def granted(subject: Subject, world: MerchantWorld) -> list[str]:
    return sorted(
        Grant.objects.filter(subject=subject, merchant=world.merchant).values_list(
            "item", flat=True
        )
    )


@pytest.fixture
def visited(client: Client, merchant_a: MerchantWorld, person: tuple[Subject, str]) -> Subject:
    subject, number = person
    api_checkin(client, merchant_a, number)
    return subject


def test_the_index_lists_visited_and_joined_merchants_only(
    cardholder_client: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld,
    visited: Subject,
) -> None:  # fmt: skip
    body = cardholder_client.get("/profile/sharing/").content.decode()
    assert merchant_a.merchant.name in body
    assert merchant_b.merchant.name not in body
    assert cardholder_client.get(url(merchant_b)).status_code == 404


def test_ticking_items_and_a_whole_category_shares_them_at_once(
    cardholder_client: Client, merchant_a: MerchantWorld, visited: Subject
) -> None:
    version = grants_version(subject=visited, merchant=merchant_a.merchant)
    response = cardholder_client.post(
        url(merchant_a), {"version": version, "item_first_name": "on", "item_shoe_size": "on"}
    )
    assert response.status_code == 302
    assert granted(visited, merchant_a) == ["first_name", "shoe_size"]

    version = grants_version(subject=visited, merchant=merchant_a.merchant)
    cardholder_client.post(
        url(merchant_a),
        {"version": version, "item_first_name": "on", "item_shoe_size": "on",
         "category": "contact:all"},
    )  # fmt: skip
    assert granted(visited, merchant_a) == [
        "address", "email", "first_name", "last_name", "phone", "shoe_size",
    ]  # fmt: skip
    version = grants_version(subject=visited, merchant=merchant_a.merchant)
    cardholder_client.post(
        url(merchant_a),
        {"version": version, "item_first_name": "on", "item_shoe_size": "on",
         "category": "contact:none"},
    )  # fmt: skip
    assert granted(visited, merchant_a) == ["shoe_size"]


def test_a_stale_form_after_a_withdrawal_is_refused_and_changes_nothing(
    cardholder_client: Client, merchant_a: MerchantWorld, cardholder: User, visited: Subject
) -> None:
    sharing.grants_set(subject=visited, merchant=merchant_a.merchant, items=["first_name"],
                       actor=Actor.person(cardholder))  # fmt: skip
    stale = grants_version(subject=visited, merchant=merchant_a.merchant)
    # withdrawn in another tab
    sharing.grants_set(subject=visited, merchant=merchant_a.merchant, items=[],
                       actor=Actor.person(cardholder))  # fmt: skip
    response = cardholder_client.post(
        url(merchant_a), {"version": stale, "item_first_name": "on", "item_phone": "on"}
    )
    assert response.status_code == 422
    assert "changed after this page was opened" in response.content.decode()
    assert granted(visited, merchant_a) == []


def test_health_data_needs_the_separate_confirmation_naming_the_merchant(
    cardholder_client: Client, merchant_a: MerchantWorld, visited: Subject
) -> None:
    version = grants_version(subject=visited, merchant=merchant_a.merchant)
    response = cardholder_client.post(
        url(merchant_a, "health/"), {"version": version, "share": "on"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "only when you confirm it for Kahvila Aalto" in body
    assert granted(visited, merchant_a) == []
    # the main form cannot smuggle allergies in either
    cardholder_client.post(url(merchant_a), {"version": version, "item_allergies": "on"})
    assert granted(visited, merchant_a) == []

    response = cardholder_client.post(
        url(merchant_a, "health/"), {"version": version, "share": "on", "confirm": "on"}
    )
    assert response.status_code == 302
    assert granted(visited, merchant_a) == ["allergies"]
    grant = Grant.objects.get(subject=visited, item="allergies")
    assert grant.confirmed_special_at is not None


def test_a_suspended_merchant_gets_nothing_and_the_person_sees_why(
    cardholder_client: Client, merchant_a: MerchantWorld, visited: Subject
) -> None:
    version = grants_version(subject=visited, merchant=merchant_a.merchant)
    Merchant.objects.filter(pk=merchant_a.merchant.pk).update(status=Merchant.Status.SUSPENDED)
    response = cardholder_client.post(
        url(merchant_a), {"version": version, "item_first_name": "on"}
    )
    assert response.status_code == 422
    assert "not approved" in response.content.decode()
    assert granted(visited, merchant_a) == []
    # and joining it from a QR code is a 404
    assert cardholder_client.get(f"/join/{merchant_a.merchant.public_id}/").status_code == 404


def test_joining_from_the_qr_code_shares_nothing_and_leaving_withdraws_everything(
    cardholder_client: Client,
    merchant_b: MerchantWorld,
    cardholder: User,
    person: tuple[Subject, str],
) -> None:
    subject, _number = person
    join = f"/join/{merchant_b.merchant.public_id}/"
    assert merchant_b.merchant.name in cardholder_client.get(join).content.decode()
    assert cardholder_client.post(join).status_code == 302
    assert Relationship.objects.filter(subject=subject, merchant=merchant_b.merchant).exists()
    assert granted(subject, merchant_b) == []

    sharing.grants_set(subject=subject, merchant=merchant_b.merchant, items=["first_name", "email"],
                       actor=Actor.person(cardholder))  # fmt: skip
    assert cardholder_client.post(url(merchant_b, "leave/")).status_code == 302
    assert granted(subject, merchant_b) == []
    assert not Relationship.objects.filter(subject=subject, merchant=merchant_b.merchant).exists()


def test_anonymous_visitors_are_sent_to_log_in(client: Client, merchant_a: MerchantWorld) -> None:
    for path in (
        "/profile/sharing/",
        "/profile/activity/",
        f"/join/{merchant_a.merchant.public_id}/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
