"""Each person has their own id at each merchant (ADR 0015), and a merchant's
integration token reads its customers and visits but cannot check in."""

from __future__ import annotations

import json
import re
from typing import Any
from uuid import UUID

import pytest
from django.test import Client
from django.urls import reverse

from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.merchants.models import Integration, Membership
from kliento.privacy import services as privacy
from kliento.register.models import Subject
from kliento.sharing import services as sharing
from kliento.sharing.models import MerchantCustomer
from kliento.sharing.pseudonyms import customer_id, pseudonym
from tests.conftest import MerchantWorld, make_user
from tests.sharing.conftest import api_checkin, api_get

pytestmark = pytest.mark.django_db


def listed(client: Client, token: str) -> list[str]:
    response = client.get("/api/v1/merchant/customers", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def integrations_url(world: MerchantWorld, *args: object) -> str:
    name = "merchant:integration_revoke" if args else "merchant:integrations"
    return reverse(name, args=[world.merchant.public_id, *args])


def new_integration(world: MerchantWorld, name: str = "CRM") -> str:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.owner)
    body = client.post(integrations_url(world), {"name": name}).content.decode()
    match = re.search(r'id="new-token" type="text" class="code-block" value="([^"]+)"', body)
    assert match is not None, body
    return match.group(1)


# --- pseudonyms ---------------------------------------------------------------------------


def test_the_same_person_has_a_different_stable_id_at_each_merchant(
    client: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld,
    person: tuple[Subject, str],
) -> None:  # fmt: skip
    subject, number = person
    api_checkin(client, merchant_a, number)
    api_checkin(client, merchant_b, number)

    at_a = listed(client, merchant_a.token)
    at_b = listed(client, merchant_b.token)
    assert len(at_a) == len(at_b) == 1
    assert at_a != at_b
    assert str(subject.public_id) not in at_a + at_b
    assert listed(client, merchant_a.token) == at_a  # stable
    assert at_a == [str(pseudonym(merchant=merchant_a.merchant, subject=subject))]

    # the portal page and the CSV export show the same id, never the Kliento-wide one
    client.force_login(merchant_a.owner)
    page = client.get(reverse("merchant:customers", args=[merchant_a.merchant.public_id]))
    assert at_a[0][:8] in page.content.decode()
    assert str(subject.public_id)[:8] not in page.content.decode()
    export = client.get(reverse("merchant:customers_export", args=[merchant_a.merchant.public_id]))
    content = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert at_a[0] in content
    assert str(subject.public_id) not in content


def test_an_id_from_one_merchant_is_a_404_at_another(
    client: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld,
    person: tuple[Subject, str],
) -> None:  # fmt: skip
    subject, number = person
    api_checkin(client, merchant_a, number)
    api_checkin(client, merchant_b, number)
    (at_a,) = listed(client, merchant_a.token)

    assert api_get(client, merchant_a, f"/api/v1/merchant/customers/{at_a}").status_code == 200
    response = api_get(client, merchant_b, f"/api/v1/merchant/customers/{at_a}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    old = api_get(client, merchant_a, f"/api/v1/merchant/customers/{subject.public_id}")
    assert old.status_code == 404  # the Kliento-wide id names nobody any more
    client.force_login(merchant_b.owner)
    page = f"/merchant/{merchant_b.merchant.public_id}/customers/{at_a}/"
    assert client.get(page).status_code == 404


def test_cancelling_the_account_leaves_no_pseudonym_behind(
    client: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld,
    cardholder: User, person: tuple[Subject, str],
) -> None:  # fmt: skip
    subject, number = person
    api_checkin(client, merchant_a, number)
    api_checkin(client, merchant_b, number)
    listed(client, merchant_a.token)
    listed(client, merchant_b.token)
    assert MerchantCustomer.objects.filter(subject=subject).count() == 2

    privacy.account_cancel(subject=subject, actor=Actor.person(cardholder))

    assert not MerchantCustomer.objects.filter(subject=subject).exists()
    assert listed(client, merchant_a.token) == []


# --- integrations -------------------------------------------------------------------------


def test_an_integration_reads_its_merchants_customers_and_visits_only(
    client: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld,
    cardholder: User, person: tuple[Subject, str],
) -> None:  # fmt: skip
    subject, number = person
    visit_a = api_checkin(client, merchant_a, number)["visit"]
    visit_b = api_checkin(client, merchant_b, number)["visit"]
    sharing.grants_set(subject=subject, merchant=merchant_a.merchant, items=["first_name"],
                       actor=Actor.person(cardholder))  # fmt: skip
    token = new_integration(merchant_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    (mine,) = listed(client, token)
    assert mine == listed(client, merchant_a.token)[0]  # same id as the merchant's terminal
    detail = client.get(f"/api/v1/merchant/customers/{mine}", **auth)
    assert detail.status_code == 200
    assert detail.json()["shared"] == {"first_name": "Anneli"}
    visits = client.get("/api/v1/merchant/visits", **auth).json()
    assert [v["id"] for v in visits["items"]] == [visit_a]
    assert client.get(f"/api/v1/merchant/visits/{visit_a}", **auth).status_code == 200

    (theirs,) = listed(client, merchant_b.token)
    assert client.get(f"/api/v1/merchant/customers/{theirs}", **auth).status_code == 404
    assert client.get(f"/api/v1/merchant/visits/{visit_b}", **auth).status_code == 404

    # the read is recorded as the integration's, and the person sees it so named
    read = AuditEntry.objects.filter(subject_id=subject.public_id, action="profile.read")
    entry = read.order_by("-seq").first()
    assert entry is not None
    assert entry.actor_role == "integration"
    assert entry.context["merchant"] == str(merchant_a.merchant.public_id)
    assert entry.context["premises"] is None
    me = Client(headers={"accept-language": "en"})
    me.force_login(cardholder)
    activity = me.get("/profile/activity/").content.decode()
    assert "An integration of Kahvila Aalto" in activity
    accesses = me.get(reverse("privacy:accesses")).content.decode()
    assert "An integration of Kahvila Aalto" in accesses


def test_an_integration_cannot_check_in_and_a_revoked_one_is_refused(
    client: Client, merchant_a: MerchantWorld, person: tuple[Subject, str]
) -> None:
    _subject, number = person
    token = new_integration(merchant_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    before = AuditEntry.objects.filter(action="visit.record").count()

    response = client.post(
        "/api/v1/checkins", json.dumps({"card": number}), content_type="application/json", **auth
    )
    assert response.status_code == 403
    assert set(response.json()) == {"code", "message", "details"}
    assert response.json()["code"] == "permission_denied"
    assert AuditEntry.objects.filter(action="visit.record").count() == before
    redeem = client.post(
        "/api/v1/rewards/redeem", json.dumps({"code": "X"}), content_type="application/json",
        **auth,
    )  # fmt: skip
    assert redeem.status_code == 403

    integration = Integration.objects.get(merchant=merchant_a.merchant)
    owner = Client()
    owner.force_login(merchant_a.owner)
    owner.post(integrations_url(merchant_a, integration.public_id))
    refused = client.get("/api/v1/merchant/customers", **auth)
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"


def test_the_token_is_shown_once_and_only_managers_create_or_revoke(
    merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    token = new_integration(merchant_a, "Reports")
    integration = Integration.objects.get(merchant=merchant_a.merchant)
    assert integration.token.kind == ApiToken.Kind.INTEGRATION
    owner = Client(headers={"accept-language": "en"})
    owner.force_login(merchant_a.owner)
    listing = owner.get(integrations_url(merchant_a)).content.decode()
    assert "Reports" in listing
    assert token not in listing
    assert 'id="new-token"' not in listing

    # a manager may create one too; a duplicate name is a form error and creates nothing
    manager = make_user("a.manager@merchant.example")
    Membership.objects.create(
        merchant=merchant_a.merchant, user=manager, role=Membership.Role.MANAGER
    )
    as_manager = Client(headers={"accept-language": "en"})
    as_manager.force_login(manager)
    duplicate = as_manager.post(integrations_url(merchant_a), {"name": "Reports"})
    assert "An integration with this name exists" in duplicate.content.decode()
    assert Integration.objects.filter(merchant=merchant_a.merchant).count() == 1
    assert as_manager.post(integrations_url(merchant_a), {"name": "CRM"}).status_code == 200
    assert Integration.objects.filter(merchant=merchant_a.merchant).count() == 2

    cashier = Client()
    cashier.force_login(merchant_a.cashier)
    assert cashier.get(integrations_url(merchant_a)).status_code == 403
    assert cashier.post(integrations_url(merchant_a), {"name": "Mine"}).status_code == 403
    assert cashier.post(integrations_url(merchant_a, integration.public_id)).status_code == 403
    assert Integration.objects.filter(merchant=merchant_a.merchant).count() == 2

    # another merchant's owner reaches neither the page nor the integration
    other = Client()
    other.force_login(merchant_b.owner)
    assert other.get(integrations_url(merchant_a)).status_code == 404
    assert other.post(integrations_url(merchant_b, integration.public_id)).status_code == 404
    integration.refresh_from_db()
    assert integration.revoked_at is None


def test_customer_id_helper_matches_what_the_list_shows(
    client: Client, merchant_a: MerchantWorld, person: tuple[Subject, str]
) -> None:
    subject, number = person
    api_checkin(client, merchant_a, number)
    assert listed(client, merchant_a.token) == [
        str(customer_id(merchant=merchant_a.merchant, subject=subject))
    ]
    assert isinstance(customer_id(merchant=merchant_a.merchant, subject=subject), UUID)


def test_the_integration_list_pins_its_query_count(
    client: Client, merchant_a: MerchantWorld, person: tuple[Subject, str],
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    _subject, number = person
    api_checkin(client, merchant_a, number)
    token = new_integration(merchant_a)
    listed(client, token)  # the ids are recorded on first sight
    # token, integration, page, count (last use is written at most once a minute)
    with django_assert_num_queries(4):
        assert len(listed(client, token)) == 1
