"""The profile page at /profile/: every item, add / edit / delete / make primary."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.register import catalogue, services
from kliento.register.models import ProfileValue

pytestmark = pytest.mark.django_db

PROFILE = "/profile/"


def stored(user: User) -> dict[str, list[Any]]:
    profile = services.profile_read(
        subject=services.subject_of(user), actor=Actor.person(user), purpose=""
    )
    return {key: [v.value for v in values] for key, values in profile.items()}


def add(user: User, item_key: str, value: Any) -> services.Value:
    return services.profile_value_set(
        subject=services.subject_of(user), item_key=item_key, value=value, actor=Actor.person(user)
    )


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_shows_every_profile_item_under_its_category(
    cardholder_client: Client,
) -> None:
    response = cardholder_client.get(PROFILE, headers={"accept-language": "en"})

    page = response.content.decode()
    assert response.status_code == 200
    for item in catalogue.PROFILE_ITEMS:
        assert f'id="item-{item.key}"' in page
        assert str(item.label) in page
        # each item sits inside its category's section
        section_start = page.index(f'id="section-{item.category}"')
        assert section_start < page.index(f'id="item-{item.key}"')
    for category in {item.category for item in catalogue.PROFILE_ITEMS}:
        assert str(catalogue.CATEGORY_LABELS[category]) in page
    # a new person has stored nothing and nothing is demanded of them
    assert page.count("Not given") == len(catalogue.PROFILE_ITEMS)


def test_the_login_email_and_password_are_shown_with_links_to_the_verified_flows(
    cardholder: User, cardholder_client: Client
) -> None:
    page = cardholder_client.get(PROFILE).content.decode()

    assert cardholder.email in page
    assert f'href="{reverse("account_email")}"' in page
    assert f'href="{reverse("account_change_password")}"' in page
    # no form on the profile page can change them
    assert 'name="login_email"' not in page
    assert 'name="password' not in page


def test_adding_a_phone_stores_it_in_e164_and_shows_it(
    cardholder: User, cardholder_client: Client
) -> None:
    response = cardholder_client.post(
        reverse("register:value_add", args=["phone"]), {"value": "040 123 4567"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PROFILE}#item-phone"
    assert stored(cardholder) == {"phone": ["+358401234567"]}
    page = cardholder_client.get(PROFILE).content.decode()
    assert "+358 40 1234567" in page


@pytest.mark.parametrize(
    ("item_key", "data", "expected"),
    [
        ("first_name", {"value": "  Anna  "}, "Anna"),
        ("date_of_birth", {"value": "1985-03-14"}, "1985-03-14"),
        ("gender", {"value": "female"}, "female"),
        ("interests", {"value": "jazz, hiking, jazz"}, ["jazz", "hiking"]),
        ("email", {"value": "Anna@Example.FI"}, "anna@example.fi"),
        (
            "address",
            {
                "street": "Mannerheimintie 1",
                "postal_code": "00100",
                "city": "Helsinki",
                "country": "",
            },
            {
                "street": "Mannerheimintie 1",
                "postal_code": "00100",
                "city": "Helsinki",
                "country": "FI",
            },
        ),
    ],
)
def test_each_kind_of_item_can_be_added(
    cardholder: User, cardholder_client: Client, item_key: str, data: dict[str, str], expected: Any
) -> None:
    response = cardholder_client.post(reverse("register:value_add", args=[item_key]), data)

    assert response.status_code == 302
    assert stored(cardholder) == {item_key: [expected]}


def test_forms_render_by_kind(cardholder_client: Client) -> None:
    def form(item_key: str) -> str:
        return cardholder_client.get(
            reverse("register:value_add", args=[item_key])
        ).content.decode()

    assert 'type="date"' in form("date_of_birth")
    gender = form("gender")
    assert '<select name="value"' in gender
    assert 'value="female"' in gender
    address = form("address")
    for name in ("street", "postal_code", "city", "country"):
        assert f'name="{name}"' in address
    assert 'type="tel"' in form("phone")
    assert 'type="email"' in form("email")
    assert "<textarea" in form("preferences")
    assert 'maxlength="100"' in form("first_name")


@pytest.mark.parametrize(
    ("item_key", "data"),
    [
        ("date_of_birth", {"value": "1985-02-30"}),
        ("date_of_birth", {"value": "14.3.1985"}),
        ("date_of_birth", {"value": "2999-01-01"}),
        ("phone", {"value": "12345"}),
        ("phone", {"value": "call me"}),
        ("email", {"value": "anna@"}),
        ("first_name", {"value": "A" * 101}),
        ("first_name", {"value": "   "}),
        ("gender", {"value": "unicorn"}),
        ("address", {"street": "", "city": "Helsinki"}),
        ("address", {"street": "Katu 1", "city": "Helsinki", "country": "FIN"}),
        ("preferences", {"value": "x" * 1001}),
    ],
)
def test_bad_input_shows_a_form_error_and_stores_nothing(
    cardholder: User, cardholder_client: Client, item_key: str, data: dict[str, str]
) -> None:
    response = cardholder_client.post(reverse("register:value_add", args=[item_key]), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert not ProfileValue.objects.exists()


def test_an_over_long_value_is_refused_by_the_service_too(
    cardholder: User, cardholder_client: Client
) -> None:
    # the shoe size field has max_length 5 both in the form and in the catalogue
    response = cardholder_client.post(
        reverse("register:value_add", args=["shoe_size"]), {"value": "123456"}
    )
    assert response.status_code == 200
    assert stored(cardholder) == {}


@pytest.mark.parametrize("item_key", ["no_such_item", "login_email", "password", "ip_address"])
def test_unknown_or_non_profile_items_are_not_found(
    cardholder_client: Client, item_key: str
) -> None:
    assert cardholder_client.get(f"/profile/add/{item_key}/").status_code == 404
    assert cardholder_client.post(f"/profile/add/{item_key}/", {"value": "x"}).status_code == 404
    assert not ProfileValue.objects.exists()


def test_editing_corrects_the_value(cardholder: User, cardholder_client: Client) -> None:
    value = add(cardholder, "first_name", "Ana")
    url = reverse("register:value_edit", args=[value.id])

    form_page = cardholder_client.get(url).content.decode()
    response = cardholder_client.post(url, {"value": "Anna"})

    assert 'value="Ana"' in form_page
    assert response.status_code == 302
    assert stored(cardholder) == {"first_name": ["Anna"]}


def test_editing_with_bad_input_keeps_the_old_value(
    cardholder: User, cardholder_client: Client
) -> None:
    value = add(cardholder, "date_of_birth", "1985-03-14")

    response = cardholder_client.post(
        reverse("register:value_edit", args=[value.id]), {"value": "1985-13-01"}
    )

    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode() or response.context["form"].errors
    assert stored(cardholder) == {"date_of_birth": ["1985-03-14"]}


def test_deleting_removes_the_value(cardholder: User, cardholder_client: Client) -> None:
    value = add(cardholder, "title", "Nurse")

    response = cardholder_client.post(reverse("register:value_delete", args=[value.id]))

    assert response.status_code == 302
    assert stored(cardholder) == {}
    assert (
        cardholder_client.get(reverse("register:value_delete", args=[value.id])).status_code == 405
    )


def test_several_phones_with_one_primary_and_make_primary(
    cardholder: User, cardholder_client: Client
) -> None:
    # given two phones added through the page
    add_url = reverse("register:value_add", args=["phone"])
    cardholder_client.post(add_url, {"value": "040 123 4567"})
    cardholder_client.post(add_url, {"value": "050 765 4321"})
    first, second = ProfileValue.objects.filter(item="phone").order_by("pk")
    assert (first.is_primary, second.is_primary) == (True, False)
    page = cardholder_client.get(PROFILE).content.decode()
    assert page.count(">Make primary<") == 1
    assert reverse("register:value_primary", args=[second.public_id]) in page

    # when the second is made primary
    response = cardholder_client.post(reverse("register:value_primary", args=[second.public_id]))

    # then it is the one primary phone, listed first
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert stored(cardholder)["phone"] == ["+358507654321", "+358401234567"]


def test_deleting_the_primary_makes_the_next_one_primary(
    cardholder: User, cardholder_client: Client
) -> None:
    first = add(cardholder, "email", "a@example.fi")
    add(cardholder, "email", "b@example.fi")

    cardholder_client.post(reverse("register:value_delete", args=[first.id]))

    assert list(ProfileValue.objects.filter(item="email").values_list("is_primary", flat=True)) == [
        True
    ]


def test_another_persons_value_is_not_found_anywhere(
    other_cardholder: User, cardholder_client: Client
) -> None:
    theirs = add(other_cardholder, "phone", "0401234567")

    for name, method in (
        ("register:value_edit", "get"),
        ("register:value_edit", "post"),
        ("register:value_delete", "post"),
        ("register:value_primary", "post"),
    ):
        url = reverse(name, args=[theirs.id])
        response = getattr(cardholder_client, method)(url, {"value": "0509999999"})
        assert response.status_code == 404, (name, method)

    assert stored(other_cardholder) == {"phone": ["+358401234567"]}


def test_a_post_without_the_csrf_token_is_refused(cardholder: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cardholder)

    response = browser.post(reverse("register:value_add", args=["first_name"]), {"value": "Anna"})

    assert response.status_code == 403
    assert not ProfileValue.objects.exists()


def test_allergies_cannot_be_added_without_health_consent(
    cardholder: User, cardholder_client: Client
) -> None:
    page = cardholder_client.get(PROFILE).content.decode()
    assert reverse("register:value_add", args=["allergies"]) not in page
    assert "Give consent first" in page or reverse("consent:health") in page

    response = cardholder_client.post(
        reverse("register:value_add", args=["allergies"]), {"value": "Peanuts"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("consent:health")
    assert stored(cardholder) == {}


def test_dates_are_shown_in_the_persons_language(
    cardholder: User, cardholder_client: Client
) -> None:
    add(cardholder, "date_of_birth", "1985-03-14")
    cardholder_client.cookies["django_language"] = "fi"

    page = cardholder_client.get(PROFILE).content.decode()

    assert "14.3.1985" in page
