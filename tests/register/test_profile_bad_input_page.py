"""Profile editing through the pages: several values with one primary, deleting every
item, the health-data consent gate, and bad input that stores nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.register import catalogue, services
from kliento.register.catalogue import ValueKind
from kliento.register.models import ProfileValue

pytestmark = pytest.mark.django_db

HEALTH = "/profile/health/"

# One valid page submission per profile item (allergies need consent first).
VALID: dict[str, dict[str, str]] = {
    "first_name": {"value": "Anna"},
    "last_name": {"value": "Virtanen"},
    "email": {"value": "anna@example.fi"},
    "phone": {"value": "040 123 4567"},
    "address": {"street": "Mannerheimintie 1", "postal_code": "00100", "city": "Helsinki"},
    "username": {"value": "annav"},
    "date_of_birth": {"value": "1985-03-14"},
    "gender": {"value": "female"},
    "title": {"value": "Nurse"},
    "mother_tongue": {"value": "fi"},
    "preferences": {"value": "Oat milk, no plastic bags"},
    "favourite_products": {"value": "rye bread, coffee"},
    "interests": {"value": "jazz, hiking"},
    "feedback": {"value": "Great service at Kamppi."},
    "clothes_size": {"value": "M"},
    "shoe_size": {"value": "39"},
    "allergies": {"value": "Peanuts"},
}


def stored(user: User) -> dict[str, list[Any]]:
    profile = services.profile_read(
        subject=services.subject_of(user), actor=Actor.person(user), purpose=""
    )
    return {key: [v.value for v in values] for key, values in profile.items()}


def give_health_consent(client: Client) -> None:
    response = client.post(HEALTH, {"action": "give", "confirm": "on"})
    assert response.status_code == 302


def test_every_profile_item_has_a_sample_here() -> None:
    assert set(VALID) == {item.key for item in catalogue.PROFILE_ITEMS}


@pytest.mark.parametrize("item_key", sorted(VALID))
def test_every_item_can_be_added_and_deleted_through_the_page(
    cardholder: User, cardholder_client: Client, item_key: str
) -> None:
    if catalogue.BY_KEY[item_key].special_category:
        give_health_consent(cardholder_client)

    added = cardholder_client.post(reverse("register:value_add", args=[item_key]), VALID[item_key])
    assert added.status_code == 302, added.context and added.context["form"].errors
    [row] = ProfileValue.objects.filter(item=item_key)
    page = cardholder_client.get("/profile/").content.decode()
    assert reverse("register:value_delete", args=[row.public_id]) in page

    deleted = cardholder_client.post(reverse("register:value_delete", args=[row.public_id]))

    assert deleted.status_code == 302
    assert stored(cardholder) == {}


@pytest.mark.parametrize(
    ("item_key", "second", "third"),
    [
        ("email", {"value": "b@example.fi"}, {"value": "c@example.fi"}),
        ("phone", {"value": "050 765 4321"}, {"value": "+46 70 123 4567"}),
        (
            "address",
            {"street": "Aleksanterinkatu 5", "city": "Helsinki"},
            {"street": "Drottninggatan 1", "city": "Stockholm", "country": "SE"},
        ),
    ],
)
def test_several_values_keep_exactly_one_primary(
    cardholder: User,
    cardholder_client: Client,
    item_key: str,
    second: dict[str, str],
    third: dict[str, str],
) -> None:
    add = reverse("register:value_add", args=[item_key])
    for data in (VALID[item_key], second, third):
        assert cardholder_client.post(add, data).status_code == 302

    def primaries() -> list[bool]:
        return list(
            ProfileValue.objects.filter(item=item_key)
            .order_by("pk")
            .values_list("is_primary", flat=True)
        )

    first_row, _second_row, third_row = ProfileValue.objects.filter(item=item_key).order_by("pk")
    assert primaries() == [True, False, False]

    cardholder_client.post(reverse("register:value_primary", args=[third_row.public_id]))
    assert primaries() == [False, False, True]

    cardholder_client.post(reverse("register:value_delete", args=[third_row.public_id]))
    assert primaries() == [True, False]

    for row in ProfileValue.objects.filter(item=item_key):
        cardholder_client.post(reverse("register:value_delete", args=[row.public_id]))
    assert not ProfileValue.objects.filter(item=item_key).exists()
    assert first_row.pk not in ProfileValue.objects.values_list("pk", flat=True)


def test_allergies_need_consent_and_withdrawal_deletes_them(
    cardholder: User, cardholder_client: Client
) -> None:
    add = reverse("register:value_add", args=["allergies"])
    assert cardholder_client.post(add, {"value": "Peanuts"})["Location"] == HEALTH
    assert stored(cardholder) == {}

    give_health_consent(cardholder_client)
    assert cardholder_client.post(add, {"value": "Peanuts"}).status_code == 302
    assert stored(cardholder) == {"allergies": ["Peanuts"]}
    assert "Peanuts" in cardholder_client.get(HEALTH).content.decode()
    assert "Peanuts" in cardholder_client.get("/profile/").content.decode()

    withdrawn = cardholder_client.post(HEALTH, {"action": "withdraw", "confirm": "on"})

    assert withdrawn.status_code == 302
    assert stored(cardholder) == {}
    assert "Peanuts" not in cardholder_client.get("/profile/").content.decode()
    assert cardholder_client.post(add, {"value": "Peanuts"})["Location"] == HEALTH
    assert stored(cardholder) == {}


def test_consent_is_not_given_without_ticking_the_box(
    cardholder: User, cardholder_client: Client
) -> None:
    response = cardholder_client.post(HEALTH, {"action": "give"})
    assert response.status_code == 200
    assert response.context["form"].errors
    add = reverse("register:value_add", args=["allergies"])
    assert cardholder_client.post(add, {"value": "Peanuts"})["Location"] == HEALTH


@pytest.mark.parametrize(
    ("item_key", "data"),
    [
        ("date_of_birth", {"value": "1985-02-29"}),
        ("date_of_birth", {"value": "0000-01-01"}),
        ("date_of_birth", {"value": ""}),
        ("phone", {"value": "+358 40 123 4567 8901 2345"}),
        ("phone", {"value": "+999 123"}),
        ("phone", {"value": "0" * 40}),
        ("email", {"value": "anna@@example.fi"}),
        ("email", {"value": "anna example.fi"}),
        ("email", {"value": "a" * 250 + "@example.fi"}),
        ("last_name", {"value": "V" * 101}),
        ("username", {"value": "u" * 51}),
        ("title", {"value": "t" * 101}),
        ("shoe_size", {"value": "1234567"}),
        ("favourite_products", {"value": "x" * 501}),
        ("interests", {"value": ", ".join(["tag"] * 200)}),
        ("feedback", {"value": "f" * 2001}),
        ("mother_tongue", {"value": "klingon"}),
        ("clothes_size", {"value": "4XL"}),  # not a listed size
        ("address", {"street": "s" * 151, "city": "Helsinki"}),
        ("address", {"street": "Katu 1", "city": "c" * 81}),
        ("address", {"street": "Katu 1", "city": "Helsinki", "postal_code": "1" * 13}),
        ("address", {"street": "Katu 1", "city": "Helsinki", "country": "ZZ"}),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_input_is_a_form_error_and_stores_nothing(
    cardholder: User, cardholder_client: Client, item_key: str, data: dict[str, str]
) -> None:
    response = cardholder_client.post(reverse("register:value_add", args=[item_key]), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert stored(cardholder) == {}


@pytest.mark.parametrize(
    ("item_key", "bad"),
    [
        ("date_of_birth", {"value": "31.12.1985"}),
        ("phone", {"value": "not a phone"}),
        ("email", {"value": "anna@"}),
        ("first_name", {"value": "A" * 101}),
        ("address", {"street": "", "city": ""}),
    ],
)
def test_editing_with_bad_input_keeps_the_stored_value(
    cardholder: User, cardholder_client: Client, item_key: str, bad: dict[str, str]
) -> None:
    cardholder_client.post(
        reverse("register:value_add", args=[item_key]), VALID.get(item_key, {"value": "Anna"})
    )
    before = stored(cardholder)
    [row] = ProfileValue.objects.filter(item=item_key)

    response = cardholder_client.post(reverse("register:value_edit", args=[row.public_id]), bad)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert stored(cardholder) == before


@pytest.mark.parametrize(
    "path",
    [
        "/profile/add/no_such_item/",
        "/profile/add/visits/",
        "/profile/add/card_identifiers/",
        "/profile/add/Email/",
        "/profile/values/00000000-0000-0000-0000-000000000000/edit/",
        "/profile/values/not-a-uuid/edit/",
    ],
)
def test_unknown_items_and_values_in_the_url_are_not_found(
    cardholder_client: Client, path: str
) -> None:
    assert cardholder_client.get(path).status_code == 404
    assert cardholder_client.post(path, {"value": "x"}).status_code == 404
    assert not ProfileValue.objects.exists()


@pytest.mark.parametrize("action", ["value_delete", "value_primary"])
def test_deleting_or_promoting_an_unknown_value_is_not_found(
    cardholder_client: Client, action: str
) -> None:
    url = reverse(f"register:{action}", args=["00000000-0000-0000-0000-000000000000"])
    assert cardholder_client.post(url).status_code == 404


def test_forms_tell_the_browser_the_limits(cardholder_client: Client) -> None:
    for item in catalogue.PROFILE_ITEMS:
        if item.kind in (ValueKind.ADDRESS, ValueKind.CHOICE, ValueKind.DATE):
            continue
        if item.special_category:
            continue
        page = cardholder_client.get(reverse("register:value_add", args=[item.key]))
        assert f'maxlength="{item.max_length}"' in page.content.decode(), item.key


@pytest.mark.parametrize(
    "name",
    [
        "Anna\u202egnitsoh",  # a right-to-left override that makes the name read otherwise
        "An\u200bna",  # a zero-width space
        "\ufeffAnna",  # a byte-order mark
        "Anna\u2066x\u2069",  # bidi isolates
    ],
)
def test_a_name_with_invisible_format_characters_is_refused_and_nothing_is_stored(
    cardholder: User, name: str
) -> None:
    subject = services.subject_of(cardholder)
    before = ProfileValue.objects.filter(subject=subject).count()

    with pytest.raises(services.DomainError) as refused:
        services.profile_value_set(
            subject=subject, item_key="first_name", value=name, actor=Actor.person(cardholder)
        )

    assert refused.value.code == "value_invalid"
    assert ProfileValue.objects.filter(subject=subject).count() == before
