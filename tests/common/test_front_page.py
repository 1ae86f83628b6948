"""After login everyone lands on the front page; from there each reaches where they work."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kliento.accounts.models import User

pytestmark = pytest.mark.django_db


def links(client: Client) -> str:
    return client.get("/").content.decode().split("home-ways", 1)[1].split("</ul>", 1)[0]


def test_a_member_is_led_to_their_profile_and_cards_only(cardholder_client: Client) -> None:
    found = links(cardholder_client)
    assert 'href="/profile/"' in found
    assert 'href="/profile/cards/"' in found
    assert 'href="/merchant/"' not in found
    assert 'href="/staff/"' not in found


def test_merchant_staff_are_led_to_the_merchant_portal(merchant_a: Any) -> None:
    client = Client()
    client.force_login(merchant_a.cashier)
    assert 'href="/merchant/"' in links(client)


def test_staff_are_led_to_the_back_office(staff_user: Any) -> None:
    from kliento.accounts.roles import StaffRole

    user: User = staff_user(StaffRole.CUSTOMER_SERVICE)
    client = Client()
    client.force_login(user)
    assert 'href="/staff/"' in links(client)
