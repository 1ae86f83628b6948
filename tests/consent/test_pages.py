"""The person's consents page and the cookie banner, without a browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kliento.accounts.models import User
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import PURPOSES
from kliento.consent.selectors import has_consent
from kliento.register.models import Subject


def test_the_page_lists_every_purpose_with_its_notice(
    cardholder_client: Client, subject: Subject, django_assert_num_queries: Any
) -> None:
    # session, user, subject, events for the states, events for the history
    with django_assert_num_queries(5):
        response = cardholder_client.get("/profile/consents/")

    page = response.content.decode()
    assert response.status_code == 200
    for purpose in PURPOSES.values():
        assert f'id="purpose-{purpose.key}"' in page
        assert str(purpose.current.text)[:40] in page
    # Off by default: one "give" button per purpose (health data has its own page).
    assert page.count('value="give"') == len(PURPOSES) - 1
    assert 'value="withdraw"' not in page


def test_giving_and_withdrawing_take_one_press_each(
    cardholder_client: Client, subject: Subject
) -> None:
    url = "/profile/consents/social_sharing/"

    given = cardholder_client.post(url, {"action": "give", "notice_version": "1"})
    assert given.status_code == 302
    assert given["Location"] == "/profile/consents/#purpose-social_sharing"
    assert has_consent(subject=subject, purpose="social_sharing")
    page = cardholder_client.get("/profile/consents/").content.decode()
    assert page.count('value="withdraw"') == 1

    cardholder_client.post(url, {"action": "withdraw", "notice_version": "1"})
    assert not has_consent(subject=subject, purpose="social_sharing")
    assert ConsentEvent.objects.filter(channel="web").count() == 2


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/profile/consents/social_sharing/", {"action": "give", "notice_version": "0"}),
        ("/profile/consents/social_sharing/", {"action": "maybe", "notice_version": "1"}),
        ("/profile/consents/health_data/", {"action": "give", "notice_version": "1"}),
    ],
)
def test_bad_choices_show_a_message_and_record_nothing(
    cardholder_client: Client, subject: Subject, url: str, data: dict[str, str]
) -> None:
    response = cardholder_client.post(url, data, follow=True)

    assert response.status_code == 200
    assert list(response.context["messages"])
    assert ConsentEvent.objects.count() == 0


def test_an_unknown_purpose_is_not_found(cardholder_client: Client, subject: Subject) -> None:
    response = cardholder_client.post(
        "/profile/consents/telepathy/", {"action": "give", "notice_version": "1"}
    )
    assert response.status_code == 404
    assert ConsentEvent.objects.count() == 0


def test_the_page_needs_a_signed_in_person(client: Client, db: None) -> None:
    assert client.get("/profile/consents/").status_code == 302
    client.post("/profile/consents/surveys/", {"action": "give", "notice_version": "1"})
    assert ConsentEvent.objects.count() == 0


# --- cookie banner ----------------------------------------------------------------------


def banner_buttons(page: str) -> list[str]:
    return re.findall(r'<button type="submit" name="choice" value="(\w+)" class="([^"]+)"', page)


def test_the_banner_offers_accept_and_reject_alike_until_chosen(client: Client, db: None) -> None:
    page = client.get("/").content.decode()

    buttons = banner_buttons(page)
    assert [value for value, _css in buttons] == ["accept", "reject"]
    assert buttons[0][1] == buttons[1][1]  # same style, same size

    client.cookies["kliento_cookies"] = "reject"
    assert not banner_buttons(client.get("/").content.decode())


def test_a_visitors_choice_is_only_a_strictly_necessary_cookie(client: Client, db: None) -> None:
    response = client.post("/cookies/choice/", {"choice": "reject", "next": "/profile/"})

    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    assert response.cookies["kliento_cookies"].value == "reject"
    assert ConsentEvent.objects.count() == 0


def test_a_signed_in_persons_choice_is_also_a_consent_event(
    cardholder_client: Client, subject: Subject
) -> None:
    response = cardholder_client.post(
        "/cookies/choice/", {"choice": "accept"}, headers={"X-Requested-With": "fetch"}
    )

    assert response.json() == {"choice": "accept"}
    assert response.cookies["kliento_cookies"].value == "accept"
    event = ConsentEvent.objects.get()
    assert (event.purpose, event.action) == ("non_essential_cookies", "given")


def test_the_banner_refuses_other_choices_and_foreign_redirects(
    client: Client, cardholder: User
) -> None:
    assert client.post("/cookies/choice/", {"choice": "maybe"}).status_code == 400
    response = client.post("/cookies/choice/", {"choice": "accept", "next": "https://evil.test/"})
    assert response["Location"] == "/"
    assert "kliento_cookies" not in client.post("/cookies/choice/", {}).cookies


def test_withdrawing_cookie_consent_on_the_page_updates_the_browser_cookie(
    cardholder_client: Client, subject: Subject
) -> None:
    cardholder_client.post("/cookies/choice/", {"choice": "accept"})
    response = cardholder_client.post(
        "/profile/consents/non_essential_cookies/", {"action": "withdraw", "notice_version": "1"}
    )

    assert response.cookies["kliento_cookies"].value == "reject"
    assert not has_consent(subject=subject, purpose="non_essential_cookies")
