"""The Activity section: one timeline of visits, loyalty, sharing, reads and disclosures,
filterable and exportable; Facebook only as a plain link the person clicks."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.register.models import Subject
from kliento.sharing import services as sharing
from kliento.sharing.pseudonyms import customer_id
from tests.conftest import MerchantWorld
from tests.sharing.conftest import api_checkin, api_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(
    merchant_a: MerchantWorld, merchant_b: MerchantWorld, cardholder: User,
    person: tuple[Subject, str],
) -> Subject:  # fmt: skip
    """Visits at two merchants, a grant, a withdrawal, a terminal read and an export."""
    client = Client()
    subject, number = person
    me = Actor.person(cardholder)
    api_checkin(client, merchant_a, number)
    api_checkin(client, merchant_b, number)
    sharing.grants_set(subject=subject, merchant=merchant_a.merchant,
                       items=["first_name", "shoe_size"], actor=me)  # fmt: skip
    shown = customer_id(merchant=merchant_a.merchant, subject=subject)
    api_get(client, merchant_a, f"/api/v1/merchant/customers/{shown}")
    sharing.grants_set(subject=subject, merchant=merchant_a.merchant, items=["first_name"],
                       actor=me)  # fmt: skip
    client.force_login(merchant_a.owner)
    b"".join(
        client.get(  # type: ignore[attr-defined]
            f"/merchant/{merchant_a.merchant.public_id}/customers/export.csv"
        ).streaming_content
    )
    return subject


def test_the_timeline_shows_every_kind_from_both_merchants(
    cardholder_client: Client, history: Subject
) -> None:
    body = cardholder_client.get("/profile/activity/").content.decode()
    assert "Visit at Kahvila Aalto Kamppi" in body
    assert "Visit at Bistro Berg Kamppi" in body
    assert "Earned 10 points in Kahvila Aalto points" in body
    assert "You started sharing with Kahvila Aalto" in body
    assert "You stopped sharing with Kahvila Aalto" in body
    assert "Your data was read" in body
    assert "Terminal at Kahvila Aalto Kamppi, Kahvila Aalto" in body
    assert "Kahvila Aalto exported the data you share with it" in body


def test_filters_by_merchant_kind_and_date(
    cardholder_client: Client, merchant_b: MerchantWorld, history: Subject
) -> None:
    only_b = cardholder_client.get(
        "/profile/activity/", {"merchant": str(merchant_b.merchant.public_id)}
    ).content.decode()
    assert "Visit at Bistro Berg Kamppi" in only_b
    assert "Kahvila Aalto" not in only_b.split('id="timeline-heading"')[1]

    sharing_only = cardholder_client.get("/profile/activity/", {"kind": "sharing"}).content.decode()
    timeline = sharing_only.split('id="timeline-heading"')[1]
    assert "You started sharing" in timeline
    assert "Visit at" not in timeline

    past = cardholder_client.get("/profile/activity/", {"until": "2020-01-01"}).content.decode()
    assert "Nothing to show yet." in past
    bad = cardholder_client.get(
        "/profile/activity/", {"since": "2026-02-01", "until": "2026-01-01"}
    )
    assert "The end date is before the start date." in bad.content.decode()


def test_exports_stream_csv_and_json_with_the_same_events(
    cardholder_client: Client, history: Subject
) -> None:
    response = cardholder_client.get("/profile/activity/export.json")
    assert response.streaming
    events = json.loads(b"".join(response.streaming_content))["events"]  # type: ignore[attr-defined]
    kinds = {e["kind"] for e in events}
    assert kinds == {"visit", "loyalty", "sharing", "access", "disclosure"}
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)

    csv_response = cardholder_client.get("/profile/activity/export.csv", {"kind": "visit"})
    lines = b"".join(csv_response.streaming_content).decode().strip().splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith("at,kind,action,title")
    assert len(lines) == 3  # header and two visits
    assert cardholder_client.get("/profile/activity/export.xml").status_code == 404


def test_facebook_is_only_a_plain_link_never_a_script_image_or_frame(
    cardholder_client: Client, merchant_a: MerchantWorld, history: Subject
) -> None:
    for path in ("/profile/activity/", "/profile/sharing/",
                 f"/profile/sharing/{merchant_a.merchant.public_id}/"):  # fmt: skip
        body = cardholder_client.get(path).content.decode()
        loaded = re.findall(r"<(?:script|img|iframe|link)[^>]*(?:src|href)=\"([^\"]*)\"", body)
        assert not [src for src in loaded if "facebook" in src or "fbcdn" in src], path
        assert "connect.facebook.net" not in body
    body = cardholder_client.get("/profile/activity/").content.decode()
    links = re.findall(r'<a class="share-link" href="([^"]+)"[^>]*rel="([^"]+)"', body)
    assert links
    href, rel = links[0]
    assert href.startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert "noreferrer" in rel
    assert "join" in href  # shares the merchant's public page, nothing about the person
    assert "fbp" not in cardholder_client.cookies


def test_another_persons_activity_is_never_shown(
    client: Client, other_cardholder: User, history: Subject
) -> None:
    client.force_login(other_cardholder)
    body = client.get("/profile/activity/").content.decode()
    assert "Nothing to show yet." in body


@pytest.mark.parametrize("extra_visits", [0, 5])
def test_the_activity_page_pins_its_query_count(  # noqa: PLR0917
    client: Client, cardholder_client: Client, merchant_a: MerchantWorld,
    person: tuple[Subject, str], history: Subject, django_assert_num_queries: Any,
    extra_visits: int,
) -> None:  # fmt: skip
    _subject, number = person
    for _ in range(extra_visits):
        api_checkin(Client(), merchant_a, number)
    cardholder_client.get("/profile/activity/")
    # session, user, subject, filter merchants, 4 loyalty/visit sources, audit,
    # merchant names, premises names
    with django_assert_num_queries(11):
        cardholder_client.get("/profile/activity/")
