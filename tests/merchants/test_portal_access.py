"""Who gets into which page of the merchant portal: members only, managers for the
running of the business, and another merchant's objects never (404, not 403)."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.merchants.models import Membership
from kliento.visits.models import Reward, Visit
from tests.conftest import MerchantWorld
from tests.merchants.conftest import check_in, signed_in, url

pytestmark = pytest.mark.django_db

# Pages of one merchant that need no object id, and who may open them.
MANAGER_PAGES = [
    "dashboard",
    "premises",
    "premises_new",
    "staff",
    "terminals",
    "programs",
    "program_new",
]
MEMBER_PAGES = ["checkin", "visits"]


def object_pages(world: MerchantWorld) -> dict[str, str]:
    """Every page about one object of ``world``'s merchant (GET)."""
    visit = check_in(world)
    return {
        "visit": url(world, "visit", visit.public_id),
        "premises_edit": url(world, "premises_edit", world.premises.public_id),
        "program_edit": url(world, "program_edit", world.points.public_id),
    }


@pytest.mark.parametrize("name", MANAGER_PAGES + MEMBER_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(merchant_a: MerchantWorld, name: str) -> None:
    response = Client().get(url(merchant_a, name))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", MANAGER_PAGES + MEMBER_PAGES)
def test_the_owner_opens_every_page(owner: Client, merchant_a: MerchantWorld, name: str) -> None:
    response = owner.get(url(merchant_a, name))

    assert response.status_code == 200
    assert merchant_a.merchant.name in response.content.decode()


@pytest.mark.parametrize("name", MANAGER_PAGES)
def test_a_cashier_is_refused_the_managers_pages(
    cashier: Client, merchant_a: MerchantWorld, name: str
) -> None:
    assert cashier.get(url(merchant_a, name)).status_code == 403


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_a_cashier_opens_check_in_and_visits(
    cashier: Client, merchant_a: MerchantWorld, name: str
) -> None:
    assert cashier.get(url(merchant_a, name)).status_code == 200


@pytest.mark.parametrize("name", MANAGER_PAGES + MEMBER_PAGES)
def test_another_merchants_staff_get_404_not_403(
    merchant_a: MerchantWorld, merchant_b: MerchantWorld, name: str
) -> None:
    for user in (merchant_b.owner, merchant_b.cashier):
        assert signed_in(user).get(url(merchant_a, name)).status_code == 404


def test_a_person_who_is_no_ones_staff_gets_404(merchant_a: MerchantWorld, cardholder) -> None:
    assert signed_in(cardholder).get(url(merchant_a, "checkin")).status_code == 404


def test_every_object_page_of_another_merchant_is_404(
    merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    """B's objects under A's merchant id, and A's objects under B's id, are not found."""
    client = signed_in(merchant_a.owner)
    a_id, b_id = str(merchant_a.merchant.public_id), str(merchant_b.merchant.public_id)
    for path in object_pages(merchant_b).values():
        assert client.get(path).status_code == 404, path
        assert client.get(path.replace(b_id, a_id)).status_code == 404, path


def test_a_cashier_gets_404_for_another_merchants_visit_and_403_for_managers_pages(
    merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    """The 403 is decided by the role before any id is looked at, so it reveals nothing."""
    client = signed_in(merchant_a.cashier)
    a_id, b_id = str(merchant_a.merchant.public_id), str(merchant_b.merchant.public_id)
    pages = object_pages(merchant_b)
    assert client.get(pages.pop("visit").replace(b_id, a_id)).status_code == 404
    for path in pages.values():
        assert client.get(path.replace(b_id, a_id)).status_code == 403


def _b_objects_posts(a: MerchantWorld, b: MerchantWorld) -> list[tuple[str, dict[str, str]]]:
    visit = check_in(b)
    for _ in range(2):
        check_in(b)  # third stamp fills B's card: a reward
    reward = Reward.objects.get(program=b.stamps)
    b_member = Membership.objects.get(merchant=b.merchant, user=b.cashier)
    return [
        (url(a, "premises_edit", b.premises.public_id), {"name": "Taken over"}),
        (url(a, "premises_open", b.premises.public_id), {"is_open": "0"}),
        (url(a, "terminal_revoke", b.terminal.public_id), {}),
        (url(a, "staff_remove", b_member.pk), {}),
        (url(a, "program_edit", b.points.public_id), {"name": "Taken over"}),
        (url(a, "visit_reverse", visit.public_id), {"reason": "mine now"}),
        (url(a, "reward_redeem"), {"reward": str(reward.public_id)}),
        (
            url(a, "points_claim"),
            {"program": str(b.points.public_id), "card": str(visit.card.public_id)},
        ),  # type: ignore[union-attr]
    ]


def test_every_write_on_another_merchants_object_is_404_and_changes_nothing(
    owner: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    posts = _b_objects_posts(merchant_a, merchant_b)
    for path, data in posts:
        assert owner.post(path, data).status_code == 404, path
    merchant_b.premises.refresh_from_db()
    merchant_b.terminal.refresh_from_db()
    merchant_b.points.refresh_from_db()
    assert merchant_b.premises.name == "Bistro Berg Kamppi"
    assert merchant_b.premises.is_open
    assert merchant_b.terminal.revoked_at is None
    assert merchant_b.points.name == "Bistro Berg points"
    assert Membership.objects.filter(merchant=merchant_b.merchant).count() == 2
    assert Reward.objects.get(program=merchant_b.stamps).status == Reward.Status.AVAILABLE
    assert not Reward.objects.filter(program=merchant_b.points).exists()
    assert Visit.objects.filter(merchant=merchant_b.merchant).count() == 3
    assert not Visit.objects.filter(merchant=merchant_b.merchant, ledger__kind="reverse").exists()


def test_the_start_page_sends_a_single_merchants_staff_to_their_start(
    merchant_a: MerchantWorld,
) -> None:
    assert signed_in(merchant_a.owner).get("/merchant/")["Location"] == url(merchant_a, "dashboard")
    assert signed_in(merchant_a.cashier).get("/merchant/")["Location"] == url(merchant_a, "checkin")


def test_someone_on_two_merchants_staff_chooses_one(
    merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    Membership.objects.create(
        merchant=merchant_b.merchant, user=merchant_a.owner, role=Membership.Role.MANAGER
    )
    response = signed_in(merchant_a.owner).get("/merchant/")

    assert response.status_code == 200
    body = response.content.decode()
    assert url(merchant_a, "dashboard") in body
    assert url(merchant_b, "dashboard") in body


def test_merchant_staff_need_no_second_factor(owner: Client, merchant_a: MerchantWorld) -> None:
    """MFA is required of the register's own staff, not of merchant staff (issue 4)."""
    assert owner.get(url(merchant_a, "checkin")).status_code == 200
