"""Premises: list, add, rename, open and close (owners and managers)."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.merchants.models import Merchant, Premises
from tests.conftest import MerchantWorld
from tests.merchants.conftest import url

pytestmark = pytest.mark.django_db


def test_the_owner_adds_premises(owner: Client, merchant_a: MerchantWorld) -> None:
    data = {"name": "Kahvila Aalto Töölö", "street": "Runeberginkatu 5", "postal_code": "00100"}
    response = owner.post(url(merchant_a, "premises_new"), {**data, "city": "Helsinki"})

    assert response.status_code == 302
    added = Premises.objects.get(name="Kahvila Aalto Töölö")
    assert (added.merchant, added.city, added.is_open) == (merchant_a.merchant, "Helsinki", True)
    assert "Kahvila Aalto Töölö" in owner.get(url(merchant_a, "premises")).content.decode()


def test_the_owner_renames_premises_and_corrects_the_address(
    owner: Client, merchant_a: MerchantWorld
) -> None:
    path = url(merchant_a, "premises_edit", merchant_a.premises.public_id)
    assert "Urho Kekkosen katu 1" in owner.get(path).content.decode()

    owner.post(
        path,
        {
            "name": "Aalto Kamppi",
            "street": "Fredrikinkatu 2",
            "postal_code": "00120",
            "city": "Helsinki",
        },
    )

    merchant_a.premises.refresh_from_db()
    assert (merchant_a.premises.name, merchant_a.premises.street) == (
        "Aalto Kamppi",
        "Fredrikinkatu 2",
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "postal_code": "00100"}, "This field is required."),
        ({"name": "Aalto", "postal_code": "1234X"}, "A postal code has five digits."),
        ({"name": "x" * 121}, "at most 120 characters"),
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(
    owner: Client, merchant_a: MerchantWorld, data: dict[str, str], error: str
) -> None:
    path = url(merchant_a, "premises_edit", merchant_a.premises.public_id)
    response = owner.post(path, data)

    assert response.status_code == 200
    assert error in response.content.decode()
    merchant_a.premises.refresh_from_db()
    assert merchant_a.premises.name == "Kahvila Aalto Kamppi"
    assert Premises.objects.count() == 1


def test_a_suspended_merchant_cannot_add_premises(owner: Client, merchant_a: MerchantWorld) -> None:
    Merchant.objects.filter(pk=merchant_a.merchant.pk).update(status=Merchant.Status.SUSPENDED)

    response = owner.post(url(merchant_a, "premises_new"), {"name": "Another"})

    assert "not approved to use Kliento" in response.content.decode()
    assert Premises.objects.count() == 1


def test_premises_are_closed_and_opened(owner: Client, merchant_a: MerchantWorld) -> None:
    path = url(merchant_a, "premises_open", merchant_a.premises.public_id)

    owner.post(path, {"is_open": "0"})
    merchant_a.premises.refresh_from_db()
    assert merchant_a.premises.is_open is False

    owner.post(path, {"is_open": "1"})
    merchant_a.premises.refresh_from_db()
    assert merchant_a.premises.is_open is True


def test_a_cashier_cannot_change_premises(cashier: Client, merchant_a: MerchantWorld) -> None:
    path = url(merchant_a, "premises_open", merchant_a.premises.public_id)

    assert cashier.post(path, {"is_open": "0"}).status_code == 403
    assert cashier.post(url(merchant_a, "premises_new"), {"name": "Mine"}).status_code == 403
    merchant_a.premises.refresh_from_db()
    assert merchant_a.premises.is_open is True
    assert Premises.objects.count() == 1


def test_opening_needs_post(owner: Client, merchant_a: MerchantWorld) -> None:
    path = url(merchant_a, "premises_open", merchant_a.premises.public_id)
    assert owner.get(path).status_code == 405
