"""One-click unsubscribe: RFC 8058 headers, the confirm page, the POST without a CSRF
token, a tampered link, a repeated unsubscribe; it takes effect before the next send."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from kliento.accounts.models import User
from kliento.consent.selectors import has_consent
from kliento.marketing import services
from kliento.marketing.models import Recipient, Suppression
from kliento.register.models import Subject
from tests.marketing.conftest import draft, marketer_actor, run, statuses

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem")]


@pytest.fixture
def sent(person: Callable[..., Subject], marketer: User) -> tuple[Subject, str]:
    """Anna got a campaign; returns her and the path of her unsubscribe link."""
    anna = person("anna", consents=("email_marketing",))
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    run(campaign)
    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body
    return anna, link.removeprefix("https://kliento.test")


def test_messages_carry_rfc_8058_headers(sent: tuple[Subject, str]) -> None:
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://kliento.test/u/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_get_shows_a_confirm_button_and_changes_nothing(sent: tuple[Subject, str]) -> None:
    anna, path = sent
    page = Client().get(path)
    assert page.status_code == 200
    assert b'<button type="submit">' in page.content
    assert has_consent(subject=anna, purpose="email_marketing")
    assert not Suppression.objects.exists()


def test_one_click_post_without_login_or_csrf_unsubscribes(
    sent: tuple[Subject, str],
    marketer: User,
) -> None:
    anna, path = sent
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not has_consent(subject=anna, purpose="email_marketing")
    assert Suppression.objects.filter(channel="email").count() == 1
    # And the next campaign does not reach her, even after she consents again
    from tests.marketing.conftest import give

    give(anna, "email_marketing")
    mail.outbox.clear()
    again = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                     actor=marketer_actor(marketer))  # fmt: skip
    run(again)
    assert statuses(again) == {"anna": "skipped:suppressed"}
    assert mail.outbox == []


def test_repeated_unsubscribe_says_so_and_changes_nothing(sent: tuple[Subject, str]) -> None:
    _anna, path = sent
    Client().post(path)
    events_before = Recipient.objects.count(), Suppression.objects.count()
    second = Client().post(path)
    assert second.status_code == 200
    assert b"already" in second.content
    assert (Recipient.objects.count(), Suppression.objects.count()) == events_before


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_link_is_a_clear_error_and_changes_nothing(
    sent: tuple[Subject, str], method: str
) -> None:
    anna, path = sent
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    response = getattr(Client(), method)(tampered)
    assert response.status_code == 400
    assert b"not valid" in response.content
    assert has_consent(subject=anna, purpose="email_marketing")
    assert not Suppression.objects.exists()
