"""The /account/tokens/ page: create a token (shown once), see the list, revoke."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kliento.accounts import tokens
from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor

PAGE = "/account/tokens/"


def _secret_in(html: str) -> str:
    match = re.search(r'value="(kl_[0-9a-f]{12}_[A-Za-z0-9_-]+)"', html)
    assert match, "the new token is shown on the page"
    return match.group(1)


@pytest.mark.django_db
def test_the_page_needs_a_signed_in_person(client: Client) -> None:
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_creating_a_token_shows_it_once(cardholder_client: Client) -> None:
    # When the person creates a token on the page
    response = cardholder_client.post(PAGE, {"name": "Budget app", "expires_in_days": "90"})

    # Then the page shows the token, which works in the API
    assert response.status_code == 200
    html = response.content.decode()
    plaintext = _secret_in(html)
    assert "no-store" in response["Cache-Control"]
    api = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert api.get("/api/v1/me").status_code == 200
    # And the next visit lists it by name without the secret
    again = cardholder_client.get(PAGE).content.decode()
    assert "Budget app" in again
    assert plaintext not in again
    assert plaintext.split("_", 2)[2] not in again


def test_a_duplicate_name_is_a_form_error(cardholder_client: Client) -> None:
    cardholder_client.post(PAGE, {"name": "Budget app", "expires_in_days": ""})

    response = cardholder_client.post(PAGE, {"name": "Budget app", "expires_in_days": ""})

    assert response.status_code == 200
    assert 'value="kl_' not in response.content.decode()
    assert response.context["form"].errors["name"]
    assert ApiToken.objects.count() == 1


def test_an_empty_name_is_a_form_error(cardholder_client: Client) -> None:
    response = cardholder_client.post(PAGE, {"name": "  ", "expires_in_days": "30"})

    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page_stops_the_token(
    cardholder_client: Client, personal_token: tuple[ApiToken, str]
) -> None:
    token, plaintext = personal_token

    response = cardholder_client.post(f"/account/tokens/{token.public_id}/revoke/", follow=True)

    assert response.status_code == 200
    assert tokens.token_authenticate(raw=plaintext) is None
    html = response.content.decode()
    assert "My app" in html
    assert f"/account/tokens/{token.public_id}/revoke/" not in html


def test_another_persons_token_cannot_be_revoked_on_the_page(
    cardholder_client: Client, other_cardholder: User
) -> None:
    theirs, plaintext = tokens.token_create(
        kind=ApiToken.Kind.PERSONAL,
        name="Theirs",
        user=other_cardholder,
        actor=Actor.person(other_cardholder),
    )

    response = cardholder_client.post(f"/account/tokens/{theirs.public_id}/revoke/")

    assert response.status_code == 404
    assert tokens.token_authenticate(raw=plaintext) is not None


def test_revoke_needs_post(cardholder_client: Client, personal_token: tuple[ApiToken, str]) -> None:
    token, plaintext = personal_token

    response = cardholder_client.get(f"/account/tokens/{token.public_id}/revoke/")

    assert response.status_code == 405
    assert tokens.token_authenticate(raw=plaintext) is not None
