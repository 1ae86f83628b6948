"""GET and PATCH /api/v1/me/profile: the person's own profile over the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kliento.accounts import tokens
from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor
from kliento.consent import services as consent
from kliento.register import catalogue, services
from kliento.register.models import ProfileValue
from tests.api.envelope import assert_envelope

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/profile"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    # Rate-limit counters live in the shared cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bearer_client(cardholder: User) -> Client:
    """The cardholder's own app, with a personal access token."""
    _token, plaintext = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL, name="My app", user=cardholder, actor=Actor.person(cardholder)
    )
    return Client(headers={"Authorization": f"Bearer {plaintext}"})


def patch(client: Client, body: dict[str, Any]) -> Any:
    return client.patch(URL, data=json.dumps(body), content_type="application/json")


def stored(user: User) -> dict[str, list[Any]]:
    profile = services.profile_read(
        subject=services.subject_of(user), actor=Actor.person(user), purpose=""
    )
    return {key: [v.value for v in values] for key, values in profile.items()}


def give_health_consent(user: User) -> None:
    consent.consent_give(
        subject=services.subject_of(user),
        purpose_key="health_data",
        language="en",
        channel="api",
        actor=Actor.person(user),
    )


def test_get_lists_every_profile_item_with_its_values_and_the_catalogue(
    cardholder: User, bearer_client: Client
) -> None:
    # given a person with a first name and two phones
    subject = services.subject_of(cardholder)
    me = Actor.person(cardholder)
    services.profile_value_set(subject=subject, item_key="first_name", value="Anna", actor=me)
    first = services.profile_value_set(
        subject=subject, item_key="phone", value="0401234567", actor=me
    )
    services.profile_value_set(subject=subject, item_key="phone", value="0501234567", actor=me)

    # when they read their profile with their token
    response = bearer_client.get(URL)

    # then every profile item is there, values grouped by item, primary first
    assert response.status_code == 200
    body = response.json()
    assert set(body["items"]) == {item.key for item in catalogue.PROFILE_ITEMS}
    assert body["items"]["first_name"] == [
        {"id": body["items"]["first_name"][0]["id"], "value": "Anna", "is_primary": True}
    ]
    assert [(v["value"], v["is_primary"]) for v in body["items"]["phone"]] == [
        ("+358401234567", True),
        ("+358501234567", False),
    ]
    assert body["items"]["phone"][0]["id"] == str(first.id)
    assert body["items"]["allergies"] == []
    assert body["consents"] == {"health_data": False}
    allergies = next(i for i in body["catalogue"] if i["key"] == "allergies")
    assert allergies["special_category"] is True
    assert allergies["requires_consent"] == "health_data"
    gender = next(i for i in body["catalogue"] if i["key"] == "gender")
    assert [c["value"] for c in gender["choices"]] == ["female", "male", "other"]
    assert "login_email" not in {i["key"] for i in body["catalogue"]}


def test_get_needs_authentication(client: Client) -> None:
    assert_envelope(client.get(URL), 401, "not_authenticated")


def test_get_with_a_session_runs_a_fixed_number_of_queries(
    cardholder: User, cardholder_client: Client, django_assert_num_queries: Any
) -> None:
    # given a full-ish profile (the count must not grow with the number of values)
    subject = services.subject_of(cardholder)
    me = Actor.person(cardholder)
    for phone in ("0401234567", "0501234567", "0451234567"):
        services.profile_value_set(subject=subject, item_key="phone", value=phone, actor=me)
    services.profile_value_set(subject=subject, item_key="first_name", value="Anna", actor=me)

    # session, user, subject, savepoint, values, data key, release, consent
    with django_assert_num_queries(8):
        response = cardholder_client.get(URL)
    assert response.status_code == 200
    assert len(response.json()["items"]["phone"]) == 3


def test_get_with_a_token_runs_a_fixed_number_of_queries(
    cardholder: User, bearer_client: Client, django_assert_num_queries: Any
) -> None:
    services.profile_value_set(
        subject=services.subject_of(cardholder),
        item_key="first_name",
        value="Anna",
        actor=Actor.person(cardholder),
    )
    # token, its last-use stamp, subject, savepoint, values, data key, release, consent
    with django_assert_num_queries(8):
        response = bearer_client.get(URL)
    assert response.status_code == 200


def test_patch_applies_every_kind_of_operation(cardholder: User, bearer_client: Client) -> None:
    # given a person with a title, two e-mails and an old address
    subject = services.subject_of(cardholder)
    me = Actor.person(cardholder)
    services.profile_value_set(subject=subject, item_key="title", value="Nurse", actor=me)
    services.profile_value_set(subject=subject, item_key="email", value="a@example.fi", actor=me)
    second = services.profile_value_set(
        subject=subject, item_key="email", value="b@example.fi", actor=me
    )
    address = services.profile_value_set(
        subject=subject, item_key="address", value={"street": "Old 1", "city": "Turku"}, actor=me
    )

    # when they send one patch with every kind of operation
    response = patch(
        bearer_client,
        {
            "set": {"first_name": "Anna", "date_of_birth": "1985-03-14", "title": None},
            "add": {"phone": "+358 40 123 4567", "interests": ["hiking", "jazz"]},
            "update": {str(address.id): {"street": "Uusi katu 2", "city": "Tampere"}},
            "primary": [str(second.id)],
        },
    )

    # then all of it is stored, normalised, and returned
    assert response.status_code == 200, response.content
    profile = stored(cardholder)
    assert profile["first_name"] == ["Anna"]
    assert profile["date_of_birth"] == ["1985-03-14"]
    assert "title" not in profile
    assert profile["phone"] == ["+358401234567"]
    assert profile["interests"] == [["hiking", "jazz"]]
    assert profile["address"] == [
        {"street": "Uusi katu 2", "postal_code": "", "city": "Tampere", "country": "FI"}
    ]
    assert profile["email"] == ["b@example.fi", "a@example.fi"]  # primary first
    assert response.json()["items"]["email"][0]["is_primary"] is True


def test_patch_deletes_values_and_the_next_one_becomes_primary(
    cardholder: User, bearer_client: Client
) -> None:
    subject = services.subject_of(cardholder)
    me = Actor.person(cardholder)
    first = services.profile_value_set(
        subject=subject, item_key="phone", value="0401234567", actor=me
    )
    services.profile_value_set(subject=subject, item_key="phone", value="0501234567", actor=me)

    response = patch(bearer_client, {"delete": [str(first.id)]})

    assert response.status_code == 200
    assert [(v["value"], v["is_primary"]) for v in response.json()["items"]["phone"]] == [
        ("+358501234567", True)
    ]


@pytest.mark.parametrize(
    ("operation", "item"),
    [
        ({"set": {"date_of_birth": "1985-02-30"}}, "date_of_birth"),
        ({"set": {"date_of_birth": "2999-01-01"}}, "date_of_birth"),
        ({"add": {"phone": "12"}}, "phone"),
        ({"add": {"email": "not-an-address"}}, "email"),
        ({"set": {"first_name": "A" * 101}}, "first_name"),
        ({"set": {"gender": "unicorn"}}, "gender"),
        ({"set": {"no_such_item": "x"}}, "no_such_item"),
        ({"set": {"login_email": "new@example.fi"}}, "login_email"),
        ({"set": {"phone": "0401234567"}}, "phone"),  # multi-valued: use add
        ({"add": {"address": {"street": "Katu 1", "city": "Oulu", "planet": "Mars"}}}, "address"),
        ({"add": {"address": {"street": "Katu 1", "city": "Oulu", "country": "ZZ"}}}, "address"),
    ],
)
def test_one_invalid_operation_stores_nothing_and_names_the_item(
    cardholder: User, bearer_client: Client, operation: dict[str, Any], item: str
) -> None:
    # given a person with a first name
    services.profile_value_set(
        subject=services.subject_of(cardholder),
        item_key="first_name",
        value="Anna",
        actor=Actor.person(cardholder),
    )

    # when a patch mixes a valid change with an invalid one
    body = {"set": {"last_name": "Virtanen"}, "add": {"interests": "jazz"}}
    for op, changes in operation.items():
        body.setdefault(op, {}).update(changes)  # type: ignore[attr-defined]
    response = patch(bearer_client, body)

    # then the envelope names the item and nothing at all was stored
    envelope = assert_envelope(response, 422, "changes_refused")
    assert [e["item"] for e in envelope["details"]["errors"]] == [item]
    assert stored(cardholder) == {"first_name": ["Anna"]}


def test_every_refused_operation_is_listed(bearer_client: Client) -> None:
    response = patch(
        bearer_client, {"set": {"date_of_birth": "soon"}, "add": {"phone": "x", "email": "y"}}
    )

    envelope = assert_envelope(response, 422, "changes_refused")
    assert {(e["op"], e["item"]) for e in envelope["details"]["errors"]} == {
        ("set", "date_of_birth"),
        ("add", "phone"),
        ("add", "email"),
    }
    assert all(e["message"] for e in envelope["details"]["errors"])


def test_an_unknown_operation_or_a_wrong_shape_is_refused(bearer_client: Client) -> None:
    assert_envelope(patch(bearer_client, {"remove": ["x"]}), 422, "validation_failed")
    assert_envelope(patch(bearer_client, {"delete": ["not-a-uuid"]}), 422, "validation_failed")
    assert_envelope(patch(bearer_client, {"set": {"first_name": 42}}), 422, "validation_failed")


def test_allergies_without_health_consent_are_refused_with_403(
    cardholder: User, bearer_client: Client
) -> None:
    response = patch(bearer_client, {"set": {"first_name": "Anna", "allergies": "Peanuts"}})

    envelope = assert_envelope(response, 403, "permission_denied")
    assert envelope["details"]["errors"][0]["item"] == "allergies"
    assert envelope["details"]["errors"][0]["consent"] == "health_data"
    assert stored(cardholder) == {}


def test_allergies_are_stored_after_health_consent(cardholder: User, bearer_client: Client) -> None:
    give_health_consent(cardholder)

    response = patch(bearer_client, {"set": {"allergies": "Peanuts, birch pollen"}})

    assert response.status_code == 200
    assert response.json()["consents"] == {"health_data": True}
    assert stored(cardholder)["allergies"] == ["Peanuts, birch pollen"]


def test_another_persons_value_is_not_found_and_nothing_changes(
    cardholder: User, other_cardholder: User, bearer_client: Client
) -> None:
    # given the other person's phone
    theirs = services.profile_value_set(
        subject=services.subject_of(other_cardholder),
        item_key="phone",
        value="0401234567",
        actor=Actor.person(other_cardholder),
    )

    # when the cardholder tries to change, delete or promote it
    for body in (
        {"update": {str(theirs.id): "0501234567"}, "set": {"first_name": "Anna"}},
        {"delete": [str(theirs.id)], "set": {"first_name": "Anna"}},
        {"primary": [str(theirs.id)], "set": {"first_name": "Anna"}},
    ):
        envelope = assert_envelope(patch(bearer_client, body), 404, "not_found")
        assert envelope["details"]["errors"][0]["id"] == str(theirs.id)

    # then the other person's value is untouched and nothing of the patch was stored
    assert stored(other_cardholder) == {"phone": ["+358401234567"]}
    assert stored(cardholder) == {}


def test_patch_with_a_session_needs_the_csrf_token(cardholder: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cardholder)

    response = patch(browser, {"set": {"first_name": "Anna"}})

    assert response.status_code == 403
    assert not ProfileValue.objects.exists()


def test_patch_with_a_session_and_csrf_token_works(cardholder: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cardholder)
    browser.get("/profile/")  # sets the CSRF cookie, as the page would
    token = browser.cookies["csrftoken"].value

    response = browser.patch(
        URL,
        data=json.dumps({"set": {"first_name": "Anna"}}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200, response.content
    assert stored(cardholder) == {"first_name": ["Anna"]}
