"""The current-consent table follows the event log; a notice that asks everyone again
takes older consents out of the audience; list and detail pages pin their queries."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.accounts.models import User
from kliento.consent import purposes
from kliento.consent.models import ConsentEvent, CurrentConsent
from kliento.consent.purposes import Notice
from kliento.marketing import services
from kliento.marketing.selectors import audience
from kliento.register.models import Subject
from tests.marketing.conftest import draft, give, marketer_actor, run, staff_client, withdraw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem")]


def test_current_consent_is_the_newest_event(person: Callable[..., Subject]) -> None:
    anna = person("anna", consents=("email_marketing",))
    withdraw(anna, "email_marketing")
    event = give(anna, "email_marketing")
    [row] = CurrentConsent.objects.filter(subject=anna)
    assert (row.purpose, row.granted, row.event) == ("email_marketing", True, event)
    withdraw(anna, "email_marketing")
    row.refresh_from_db()
    assert (row.granted, row.action) == (False, ConsentEvent.Action.WITHDRAWN)


def test_a_notice_that_asks_again_leaves_older_consents_out(
    person: Callable[..., Subject], marketer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    person("anna", consents=("email_marketing",))
    current = purposes.PURPOSES["email_marketing"]
    v2 = Notice(version="2", published=date(2026, 1, 2), text=_("A new newsletter notice."))
    monkeypatch.setitem(
        purposes.PURPOSES,
        "email_marketing",
        dataclasses.replace(current, notices=(*current.notices, v2)),
    )
    campaign = services.campaign_create(
        draft=draft(), base_url="https://kliento.test/", actor=marketer_actor(marketer)
    )
    assert audience(campaign, moment=timezone.now()).count() == 0


def test_pages_pin_their_query_counts(
    person: Callable[..., Subject], marketer: User, django_assert_num_queries: Any
) -> None:
    for name in ("anna", "bertil", "cecilia"):
        person(name, consents=("email_marketing",))
    client = staff_client(marketer)
    for _i in range(2):
        campaign = services.campaign_create(
            draft=draft(), base_url="https://kliento.test/", actor=marketer_actor(marketer)
        )
        run(campaign)
    client.get("/staff/campaigns/")  # warm the session and MFA caches
    with django_assert_num_queries(6):
        assert client.get("/staff/campaigns/").status_code == 200
    with django_assert_num_queries(5):
        assert client.get(f"/staff/campaigns/{campaign.public_id}/").status_code == 200


def test_retention_purge_of_old_withdrawn_consent_takes_the_current_row_too(
    person: Callable[..., Subject], marketer: User
) -> None:
    from datetime import timedelta

    from kliento.audit.actors import Actor
    from kliento.dsr.retention import retention_run
    from kliento.marketing.models import Recipient

    anna = person("anna", consents=("email_marketing",))
    campaign = services.campaign_create(
        draft=draft(), base_url="https://kliento.test/", actor=marketer_actor(marketer)
    )
    run(campaign)
    withdraw(anna, "email_marketing")
    # When the consent proof period has passed since the withdrawal
    later = timezone.now() + timedelta(days=6 * 366)
    retention_run(actor=Actor.system("tests"), now=later)
    # Then the events, the current row and the receipt link are gone; the inclusion stays
    assert not ConsentEvent.objects.filter(subject=anna, purpose="email_marketing").exists()
    assert not CurrentConsent.objects.filter(subject=anna).exists()
    row = Recipient.objects.get(subject=anna)
    assert (row.basis, row.consent_event) == ("consent", None)
