"""The login e-mail and the password change only through verified requests.

The profile page links to allauth's flows: a new login e-mail is confirmed through a
link sent to it (the old address gets a notice), and asking for it needs the password
again (allauth's reauthentication, valid five minutes); the password change asks for
the current password.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kliento.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

OLD = "anna.virtanen@example.fi"
NEW = "anna.uusi@example.fi"
NEW_PASSWORD = "a brand new passphrase for Anna 2026"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # allauth limits confirmation mails per address (1 in 3 minutes) in the cache
    cache.clear()


def signed_in(cardholder: User) -> Client:
    """A client that signed in through the login form."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": OLD, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def confirmation_link() -> str:
    [message] = [m for m in mail.outbox if m.to == [NEW]]
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_the_profile_links_to_both_verified_flows(cardholder: User) -> None:
    page = signed_in(cardholder).get("/profile/").content.decode()
    assert f'href="{reverse("account_email")}"' in page
    assert f'href="{reverse("account_change_password")}"' in page


def test_a_new_login_email_is_confirmed_by_link_and_the_old_address_is_told(
    cardholder: User,
) -> None:
    client = signed_in(cardholder)
    mail.outbox.clear()

    # when Anna asks to change her login e-mail, confirming it is her with her password
    response = client.post(reverse("account_email"), {"action_add": "", "email": NEW})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})

    # then a confirmation link goes to the new address, and nothing has changed yet
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[NEW]]
    cardholder.refresh_from_db()
    assert cardholder.email == OLD
    assert not EmailAddress.objects.filter(email=NEW, verified=True).exists()
    stranger = Client()
    stranger.post(reverse("account_login"), {"login": NEW, "password": PASSWORD})
    assert "_auth_user_id" not in stranger.session  # the new address cannot sign in yet

    # when she follows the link and confirms
    link = confirmation_link()
    assert client.get(link).status_code == 200  # a page to confirm, not a change on GET
    cardholder.refresh_from_db()
    assert cardholder.email == OLD
    response = client.post(link)

    # then the login e-mail is the new one, and the old address got a notice
    assert response.status_code == 302
    fresh = Client()
    fresh.post(reverse("account_login"), {"login": NEW, "password": PASSWORD})
    assert fresh.session["_auth_user_id"] == str(cardholder.pk)
    cardholder.refresh_from_db()
    assert cardholder.email == NEW
    assert list(EmailAddress.objects.filter(user=cardholder).values_list("email", flat=True)) == [
        NEW
    ]
    notices = [m for m in mail.outbox if m.to == [OLD]]
    assert len(notices) == 1
    assert NEW in notices[0].body


def test_a_login_email_change_needs_the_password_again(cardholder: User) -> None:
    client = signed_in(cardholder)
    mail.outbox.clear()

    response = client.post(reverse("account_email"), {"action_add": "", "email": NEW})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert mail.outbox == []
    assert not EmailAddress.objects.filter(email=NEW).exists()

    # the password again lets the request continue
    wrong = client.post(reverse("account_reauthenticate"), {"password": "not my password"})
    assert wrong.status_code == 200
    assert not EmailAddress.objects.filter(email=NEW).exists()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": NEW})
    assert [m.to for m in mail.outbox] == [[NEW]]
    # switching back or deleting addresses within five minutes needs no new password
    response = client.post(reverse("account_email"), {"action_remove": "", "email": NEW})
    assert not EmailAddress.objects.filter(email=NEW).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        {"oldpassword": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        {"oldpassword": "wrong password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ],
    ids=["missing", "empty", "wrong"],
)
def test_a_password_change_needs_the_current_password(
    cardholder: User, data: dict[str, str]
) -> None:
    client = signed_in(cardholder)

    response = client.post(reverse("account_change_password"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"]
    cardholder.refresh_from_db()
    assert cardholder.check_password(PASSWORD)


def test_a_password_change_with_the_current_password_works_and_is_notified(
    cardholder: User,
) -> None:
    client = signed_in(cardholder)
    mail.outbox.clear()

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    cardholder.refresh_from_db()
    assert cardholder.check_password(NEW_PASSWORD)
    assert [m.to for m in mail.outbox] == [[OLD]]
