"""A merchant sees each shareable item only while it is granted: at check-in, on the
customer page and through the API; withdrawal, leaving and corrections show at once."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.register import catalogue, values
from kliento.register import services as register
from kliento.register.models import Subject
from kliento.sharing import services as sharing
from kliento.sharing.pseudonyms import customer_id
from tests.conftest import MerchantWorld, make_user
from tests.sharing.conftest import SAMPLE_VALUES, api_checkin, api_get

pytestmark = pytest.mark.django_db

SHAREABLE = sorted(item.key for item in catalogue.PROFILE_ITEMS if item.shareable)


def grant(world: MerchantWorld, subject: Subject, user: User, items: list[str]) -> None:
    item_objs = [catalogue.BY_KEY[k] for k in items]
    confirm = world.merchant.name if any(i.special_category for i in item_objs) else ""
    sharing.grants_set(
        subject=subject, merchant=world.merchant, items=items, actor=Actor.person(user),
        confirm_special_for=confirm,
    )  # fmt: skip


def cid(world: MerchantWorld, subject: Subject) -> str:
    """The person's id at ``world``'s merchant, as the merchant is shown it."""
    return str(customer_id(merchant=world.merchant, subject=subject))


def page_url(world: MerchantWorld, subject: Subject) -> str:
    return f"/merchant/{world.merchant.public_id}/customers/{cid(world, subject)}/"


def shown_on_page(item_key: str) -> str:
    item = catalogue.BY_KEY[item_key]
    value = SAMPLE_VALUES[item_key]
    first = value[0] if item.multiple and isinstance(value, list) else value
    return values.display(item, values.normalise(item, first))


def test_the_sample_covers_every_shareable_item() -> None:
    assert set(SHAREABLE) == set(SAMPLE_VALUES)


@pytest.mark.parametrize("item_key", SHAREABLE)
def test_a_merchant_sees_an_item_only_while_granted_everywhere(
    client: Client, merchant_a: MerchantWorld, cardholder: User,
    person: tuple[Subject, str], item_key: str,
) -> None:  # fmt: skip
    subject, number = person
    item = catalogue.BY_KEY[item_key]
    expected = SAMPLE_VALUES[item_key]
    expected_api = {item_key: [expected] if item.multiple else expected}
    api_path = f"/api/v1/merchant/customers/{cid(merchant_a, subject)}"

    # given nothing shared: a visit makes them a customer, and nothing shows anywhere
    assert api_checkin(client, merchant_a, number)["customer"] == {}
    assert api_get(client, merchant_a, api_path).json()["shared"] == {}
    client.force_login(merchant_a.cashier)
    page = client.get(page_url(merchant_a, subject))
    assert page.status_code == 200
    assert f'data-item="{item_key}"' not in page.content.decode()

    # when granted: the next check-in, page load and API call show it
    grant(merchant_a, subject, cardholder, [item_key])
    assert api_checkin(client, merchant_a, number)["customer"] == expected_api
    assert api_get(client, merchant_a, api_path).json()["shared"] == expected_api
    body = client.get(page_url(merchant_a, subject)).content.decode()
    assert f'data-item="{item_key}"' in body
    assert escape(shown_on_page(item_key).splitlines()[0]) in body

    # when withdrawn: gone at the very next call
    grant(merchant_a, subject, cardholder, [])
    assert api_checkin(client, merchant_a, number)["customer"] == {}
    assert api_get(client, merchant_a, api_path).json()["shared"] == {}
    assert (
        f'data-item="{item_key}"' not in client.get(page_url(merchant_a, subject)).content.decode()
    )


def test_another_merchants_customer_is_a_404_on_the_page_and_the_api(
    client: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld, cardholder: User,
    person: tuple[Subject, str],
) -> None:  # fmt: skip
    subject, number = person
    api_checkin(client, merchant_a, number)
    grant(merchant_a, subject, cardholder, ["first_name"])

    assert (
        api_get(
            client, merchant_b, f"/api/v1/merchant/customers/{cid(merchant_a, subject)}"
        ).status_code
        == 404
    )
    assert api_get(client, merchant_b, "/api/v1/merchant/customers").json()["count"] == 0
    client.force_login(merchant_b.owner)
    assert (
        client.get(
            f"/merchant/{merchant_b.merchant.public_id}/customers/{cid(merchant_a, subject)}/"
        ).status_code
        == 404
    )
    # nor can B's staff reach A's portal at all
    assert client.get(page_url(merchant_a, subject)).status_code == 404


def test_leaving_withdraws_at_the_next_call_and_a_correction_is_never_stale(
    client: Client, merchant_a: MerchantWorld, cardholder: User, person: tuple[Subject, str]
) -> None:
    subject, number = person
    me = Actor.person(cardholder)
    api_checkin(client, merchant_a, number)
    grant(merchant_a, subject, cardholder, ["first_name", "phone"])
    path = f"/api/v1/merchant/customers/{cid(merchant_a, subject)}"
    client.force_login(merchant_a.owner)
    assert "Anneli" in client.get(page_url(merchant_a, subject)).content.decode()

    register.profile_value_set(subject=subject, item_key="first_name", value="Anna", actor=me)
    register.profile_item_clear(subject=subject, item_key="phone", actor=me)
    body = client.get(page_url(merchant_a, subject)).content.decode()
    assert "Anna" in body
    assert "Anneli" not in body
    assert api_get(client, merchant_a, path).json()["shared"] == {"first_name": "Anna"}

    sharing.relationship_leave(subject=subject, merchant=merchant_a.merchant, actor=me)
    assert api_get(client, merchant_a, path).json()["shared"] == {}
    assert (
        'data-item="first_name"' not in client.get(page_url(merchant_a, subject)).content.decode()
    )


def test_search_is_exact_by_card_number_or_a_shared_email_only(
    client: Client, merchant_a: MerchantWorld, cardholder: User, person: tuple[Subject, str]
) -> None:
    subject, number = person
    api_checkin(client, merchant_a, number)

    def found(search: str) -> list[str]:
        response = client.get(
            "/api/v1/merchant/customers", {"search": search},
            HTTP_AUTHORIZATION=f"Bearer {merchant_a.token}",
        )  # fmt: skip
        return [row["id"] for row in response.json()["results"]]

    me = [cid(merchant_a, subject)]
    assert found(number) == me
    assert found(number[:-1]) == []  # no partial card numbers
    assert found("anneli@example.fi") == []  # not shared yet: no probing
    grant(merchant_a, subject, cardholder, ["email"])
    assert found("ANNELI@example.fi") == me
    assert found("anneli@") == []
    assert found("example.fi") == []
    client.force_login(merchant_a.cashier)
    body = client.get(
        f"/merchant/{merchant_a.merchant.public_id}/customers/", {"q": "anneli@example.fi"}
    ).content.decode()
    assert cid(merchant_a, subject)[:8] in body


def test_every_read_by_staff_or_a_terminal_is_recorded_with_premises_and_items(
    client: Client, merchant_a: MerchantWorld, cardholder: User, person: tuple[Subject, str]
) -> None:
    subject, number = person
    api_checkin(client, merchant_a, number)
    grant(merchant_a, subject, cardholder, ["first_name", "shoe_size"])
    reads = AuditEntry.objects.filter(subject_id=subject.public_id, action="profile.read")
    assert not reads.exists()

    client.force_login(merchant_a.cashier)
    client.get(page_url(merchant_a, subject))
    entry = reads.get()
    assert entry.actor_kind == "merchant_staff"
    assert entry.actor_id == str(merchant_a.cashier.public_id)
    assert entry.items == ["first_name", "shoe_size"]
    assert entry.context["merchant"] == str(merchant_a.merchant.public_id)
    assert entry.context["premises"] == str(merchant_a.premises.public_id)

    api_get(client, merchant_a, f"/api/v1/merchant/customers/{cid(merchant_a, subject)}")
    latest = reads.order_by("-seq").first()
    assert latest is not None
    assert latest.actor_kind == "terminal"
    assert latest.context["premises"] == str(merchant_a.premises.public_id)


def test_the_csv_export_holds_only_granted_items_and_is_recorded_per_person(
    client: Client, merchant_a: MerchantWorld, cardholder: User, other_cardholder: User,
    person: tuple[Subject, str],
) -> None:  # fmt: skip
    subject, number = person
    api_checkin(client, merchant_a, number)
    other = register.subject_of(other_cardholder)
    sharing.relationship_join(subject=other, merchant=merchant_a.merchant,
                              actor=Actor.person(other_cardholder))  # fmt: skip
    grant(merchant_a, subject, cardholder, ["first_name", "email"])
    url = f"/merchant/{merchant_a.merchant.public_id}/customers/export.csv"

    client.force_login(merchant_a.cashier)
    assert client.get(url).status_code == 403

    client.force_login(merchant_a.owner)
    response = client.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(content)))
    by_id = {row["customer"]: row for row in rows}
    assert by_id[cid(merchant_a, subject)]["first_name"] == "Anneli"
    assert by_id[cid(merchant_a, subject)]["email"] == "anneli@example.fi"
    assert by_id[cid(merchant_a, subject)]["last_name"] == ""
    assert by_id[cid(merchant_a, other)]["first_name"] == ""
    disclosures = AuditEntry.objects.filter(action="disclosure.merchant_export")
    assert sorted(cid(merchant_a, Subject.objects.get(public_id=e.subject_id))
                  for e in disclosures) == sorted(by_id)  # fmt: skip
    mine = disclosures.get(subject_id=subject.public_id)
    assert mine.items == ["email", "first_name"]
    assert mine.context["merchant"] == str(merchant_a.merchant.public_id)


def _customers(world: MerchantWorld, count: int) -> None:
    from kliento.cards.services import card_issue_kliento

    for n in range(count):
        user = make_user(f"c{n}@example.fi")
        subject = register.subject_of(user)
        card_issue_kliento(actor=Actor.system("tests"), holder=subject)
        sharing.grants_set(subject=subject, merchant=world.merchant, items=["first_name"],
                           actor=Actor.person(user))  # fmt: skip


@pytest.mark.parametrize("count", [1, 4])
def test_the_customer_lists_pin_their_query_counts(
    client: Client, merchant_a: MerchantWorld, django_assert_num_queries: Any, count: int
) -> None:
    _customers(merchant_a, count)
    client.force_login(merchant_a.cashier)
    url = f"/merchant/{merchant_a.merchant.public_id}/customers/"
    client.get(url)  # warm the session
    # session, user, membership, count, page
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    # token, terminal, page, count
    with django_assert_num_queries(5):
        response = api_get(client, merchant_a, "/api/v1/merchant/customers")
    assert response.json()["count"] == count
