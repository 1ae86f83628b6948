"""A person with a value for every shareable item and a Kliento card."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.cards.services import card_issue_kliento
from kliento.consent.services import consent_give
from kliento.register import services as register
from kliento.register.models import Subject
from tests.conftest import MerchantWorld

SAMPLE_VALUES: dict[str, Any] = {
    "first_name": "Anneli",
    "last_name": "Virtanen",
    "email": "anneli@example.fi",
    "phone": "+358401234567",
    "address": {
        "street": "Annankatu 1",
        "postal_code": "00100",
        "city": "Helsinki",
        "country": "FI",
    },
    "username": "anneli",
    "date_of_birth": "1985-04-12",
    "gender": "female",
    "title": "Architect",
    "mother_tongue": "fi",
    "preferences": "Oat milk",
    "favourite_products": ["espresso", "croissant"],
    "interests": ["design"],
    "clothes_size": "M",
    "shoe_size": "39",
    "allergies": "Peanuts",
}


def api_checkin(client: Client, world: MerchantWorld, number: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/checkins", json.dumps({"card": number}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.token}",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    return response.json()


def api_get(client: Client, world: MerchantWorld, path: str) -> Any:
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {world.token}")


@pytest.fixture
def person(cardholder: User) -> tuple[Subject, str]:
    """The cardholder with every shareable item filled in, and their card number."""
    subject = register.subject_of(cardholder)
    me = Actor.person(cardholder)
    consent_give(subject=subject, purpose_key="health_data", language="fi", channel="web", actor=me)
    for key, value in SAMPLE_VALUES.items():
        register.profile_value_set(subject=subject, item_key=key, value=value, actor=me)
    _card, number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=subject)
    return subject, number
