"""The card stock pages: customer service and administrators issue, print, activate and
void batches; administrators keep the card issuers; everyone else gets 403."""

from __future__ import annotations

import csv
import io
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards import identifiers
from kliento.cards.batches import batch_activate, batch_issue, batch_void
from kliento.cards.issuers import issuer_create
from kliento.cards.models import Card, CardBatch, CardIssuer
from kliento.cards.services import card_issue_kliento
from tests.conftest import MerchantWorld, make_user

pytestmark = pytest.mark.django_db

BATCHES = "/staff/cards/batches/"
ISSUERS = "/staff/cards/issuers/"
SYSTEM = Actor.system("tests")


def staff_client(role: StaffRole, language: str = "en") -> Client:
    user = make_user(f"{role.value}.stock@kliento.example", role=role)
    TOTP.activate(user, pyotp.random_base32())
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def agent() -> Client:
    return staff_client(StaffRole.CUSTOMER_SERVICE)


@pytest.fixture
def admin() -> Client:
    return staff_client(StaffRole.ADMINISTRATOR)


def batch_url(batch: CardBatch, suffix: str = "") -> str:
    return f"{BATCHES}{batch.public_id}/{suffix}"


# --- the journey -----------------------------------------------------------------------


def test_customer_service_issues_prints_and_activates_a_batch(agent: Client) -> None:
    home = agent.get("/staff/").content.decode()
    assert BATCHES in home
    assert ISSUERS not in home  # issuers are the administrators'

    issued = agent.post(f"{BATCHES}new/", {"size": "3", "note": "order 42"})

    batch = CardBatch.objects.get()
    assert issued.status_code == 302
    assert issued["Location"] == batch_url(batch)
    detail = agent.get(batch_url(batch)).content.decode()
    assert "Batch of 3 cards" in detail
    assert "cards.csv" in detail
    assert "sheet.svg" in detail

    download = agent.get(batch_url(batch, "cards.csv"))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"] or "max-age=0" in download["Cache-Control"]
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert len(rows) == 4
    assert all(identifiers.parse(row[0]).value == row[0] for row in rows[1:])
    sheet = agent.get(batch_url(batch, "sheet.svg"), {"sheet": "1"})
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith("image/svg+xml")
    assert all(
        identifiers.format_kliento_number(row[0]) in sheet.content.decode() for row in rows[1:]
    )
    prints = AuditEntry.objects.filter(action="card.batch_print")
    assert [e.context["format"] for e in prints.order_by("seq")] == ["csv", "sheet"]
    assert {e.actor_role for e in prints} == {StaffRole.CUSTOMER_SERVICE}

    activated = agent.post(batch_url(batch, "activate/"))

    assert activated.status_code == 302
    batch.refresh_from_db()
    assert batch.state == CardBatch.State.ACTIVE
    after = agent.get(batch_url(batch)).content.decode()
    assert "cards.csv" not in after
    listing = agent.get(BATCHES).content.decode()
    assert "Active" in listing
    assert "order 42" in listing


def test_codes_cannot_be_downloaded_after_activation(agent: Client) -> None:
    batch = batch_activate(batch=batch_issue(size=2, actor=SYSTEM), actor=SYSTEM)

    csv_download = agent.get(batch_url(batch, "cards.csv"), follow=True)
    sheet_download = agent.get(batch_url(batch, "sheet.svg"), follow=True)

    for response in (csv_download, sheet_download):
        assert response.redirect_chain[-1][0] == batch_url(batch)
        assert response["Content-Type"].startswith("text/html")
        assert "can no longer be printed" in response.content.decode()
    assert not AuditEntry.objects.filter(action="card.batch_print").exists()


@pytest.mark.parametrize("sheet", ["0", "2", "x"])
def test_a_sheet_outside_the_batch_is_404(agent: Client, sheet: str) -> None:
    batch = batch_issue(size=2, actor=SYSTEM)

    assert agent.get(batch_url(batch, "sheet.svg"), {"sheet": sheet}).status_code == 404
    assert not AuditEntry.objects.filter(action="card.batch_print").exists()


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "message"),
    [("0", "A batch has from 1 to 10,000 cards."), ("10001", "A batch has from 1 to 10,000 cards."),
     ("many", "Enter a whole number."), ("", "This field is required.")],
)  # fmt: skip
def test_a_bad_size_is_a_form_error_and_issues_nothing(
    agent: Client, size: str, message: str
) -> None:
    response = agent.post(f"{BATCHES}new/", {"size": size})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CardBatch.objects.exists()
    assert not Card.objects.exists()


def test_a_bad_size_is_explained_in_finnish_and_swedish() -> None:
    for language, words in (
        ("fi", "Kortteja on erässä 1\u201310\xa0000."),
        ("sv", "En sats har 1\u201310\xa0000 kort."),
    ):
        client = staff_client(StaffRole.CUSTOMER_SERVICE, language)
        response = client.post(f"{BATCHES}new/", {"size": "0"})
        assert words in response.content.decode(), language
        User.objects.filter(email__startswith="customer_service.stock").delete()


def test_voiding_needs_a_reason(agent: Client) -> None:
    batch = batch_issue(size=1, actor=SYSTEM)

    refused = agent.post(batch_url(batch, "void/"), {"reason": "  "})

    assert refused.status_code == 422
    assert "This field is required." in refused.content.decode()
    batch.refresh_from_db()
    assert batch.state == CardBatch.State.CREATED

    voided = agent.post(batch_url(batch, "void/"), {"reason": "spoilt print run"})

    assert voided.status_code == 302
    batch.refresh_from_db()
    assert (batch.state, batch.void_reason) == ("voided", "spoilt print run")


def test_activating_a_voided_batch_is_refused_with_a_message(agent: Client) -> None:
    batch = batch_void(batch=batch_issue(size=1, actor=SYSTEM), reason="lost", actor=SYSTEM)

    response = agent.post(batch_url(batch, "activate/"), follow=True)

    assert "This batch is voided" in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == CardBatch.State.VOIDED
    assert not AuditEntry.objects.filter(action="card.batch_activate").exists()


def test_an_unknown_batch_is_404(agent: Client) -> None:
    assert agent.get(f"{BATCHES}00000000-0000-0000-0000-000000000000/").status_code == 404


# --- who may -----------------------------------------------------------------------------


def _stock_pages(batch: CardBatch) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("get", BATCHES, {}),
        ("get", f"{BATCHES}new/", {}),
        ("post", f"{BATCHES}new/", {"size": "2"}),
        ("get", batch_url(batch), {}),
        ("get", batch_url(batch, "cards.csv"), {}),
        ("get", batch_url(batch, "sheet.svg"), {}),
        ("post", batch_url(batch, "activate/"), {}),
        ("post", batch_url(batch, "void/"), {"reason": "x"}),
    ]


@pytest.mark.parametrize(
    "role", [StaffRole.MARKETING, StaffRole.PRIVACY_OFFICER, StaffRole.AUDITOR]
)
def test_other_staff_roles_get_403_and_change_nothing(role: StaffRole) -> None:
    batch = batch_issue(size=1, actor=SYSTEM)
    client = staff_client(role)

    for method, path, data in _stock_pages(batch):
        assert getattr(client, method)(path, data).status_code == 403, path
    batch.refresh_from_db()
    assert batch.state == CardBatch.State.CREATED
    assert CardBatch.objects.count() == 1
    assert not AuditEntry.objects.filter(action="card.batch_print").exists()


def test_members_and_merchant_staff_get_404_the_back_office_is_not_there_for_them(
    cardholder_client: Client, merchant_a: MerchantWorld
) -> None:
    batch = batch_issue(size=1, actor=SYSTEM)
    owner = Client()
    owner.force_login(merchant_a.owner)

    for client in (cardholder_client, owner):
        for method, path, data in _stock_pages(batch):
            assert getattr(client, method)(path, data).status_code == 404, path
        assert client.get(ISSUERS).status_code == 404
    assert CardBatch.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(BATCHES)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_batch_list_has_a_fixed_number_of_queries(
    agent: Client, django_assert_num_queries: Any
) -> None:
    agent.get(BATCHES)  # warm the session and caches
    batch_issue(size=2, actor=SYSTEM)
    with django_assert_num_queries(QUERIES_BATCH_LIST) as first:
        agent.get(BATCHES)
    batch_issue(size=3, actor=SYSTEM)
    with django_assert_num_queries(len(first.captured_queries)):
        body = agent.get(BATCHES).content.decode()
    assert body.count("<tr>") == 3  # the header and two batches


QUERIES_BATCH_LIST = 5


# --- card issuers ------------------------------------------------------------------------


def test_an_administrator_adds_and_edits_an_issuer(admin: Client) -> None:
    card_issue_kliento(actor=SYSTEM)  # Kliento's own issuer exists

    created = admin.post(f"{ISSUERS}new/", {"name": "HSL", "kind": "travel"})

    assert created.status_code == 302
    issuer = CardIssuer.objects.get(name="HSL")
    listing = admin.get(ISSUERS).content.decode()
    assert "HSL" in listing
    assert "Kliento Oy" in listing
    edited = admin.post(f"{ISSUERS}{issuer.public_id}/", {"name": "HSL Oy", "kind": "merchant"})
    assert edited.status_code == 302
    issuer.refresh_from_db()
    assert (issuer.name, issuer.kind) == ("HSL Oy", "merchant")
    assert AuditEntry.objects.filter(action__startswith="card.issuer_").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [({"name": "", "kind": "travel"}, "This field is required."),
     ({"name": "Bank", "kind": "kliento"}, "Select a valid choice."),
     ({"name": "Bank", "kind": "bank"}, "Select a valid choice.")],
)  # fmt: skip
def test_bad_issuer_input_is_a_form_error(
    admin: Client, data: dict[str, str], message: str
) -> None:
    response = admin.post(f"{ISSUERS}new/", data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CardIssuer.objects.exists()


def test_the_kind_of_an_issuer_with_cards_cannot_change(admin: Client) -> None:
    travel = issuer_create(name="Waltti", kind="travel", actor=SYSTEM)
    Card.objects.create(kind=Card.Kind.CONTACTLESS, issuer=travel, lookup=b"x" * 32,
                        identifier_ct=b"", kek_id="", wrapped_key=b"")  # fmt: skip

    response = admin.post(f"{ISSUERS}{travel.public_id}/", {"name": "Waltti", "kind": "merchant"})

    assert response.status_code == 422
    assert "its kind cannot change" in response.content.decode()
    travel.refresh_from_db()
    assert travel.kind == "travel"


def test_kliento_issuer_can_be_renamed_but_keeps_its_kind(admin: Client) -> None:
    card, _number, _code = card_issue_kliento(actor=SYSTEM)

    page = admin.get(f"{ISSUERS}{card.issuer.public_id}/").content.decode()
    renamed = admin.post(
        f"{ISSUERS}{card.issuer.public_id}/", {"name": "Kliento", "kind": "kliento"}
    )

    assert 'value="travel"' not in page
    assert renamed.status_code == 302
    card.issuer.refresh_from_db()
    assert (card.issuer.name, card.issuer.kind) == ("Kliento", "kliento")


@pytest.mark.parametrize(
    "role", [StaffRole.CUSTOMER_SERVICE, StaffRole.MARKETING, StaffRole.PRIVACY_OFFICER]
)
def test_only_administrators_keep_issuers(role: StaffRole) -> None:
    issuer = issuer_create(name="HSL", kind="travel", actor=SYSTEM)
    client = staff_client(role)

    assert client.get(ISSUERS).status_code == 403
    assert client.post(f"{ISSUERS}new/", {"name": "X", "kind": "travel"}).status_code == 403
    assert (
        client.post(f"{ISSUERS}{issuer.public_id}/", {"name": "X", "kind": "travel"}).status_code
        == 403
    )
    issuer.refresh_from_db()
    assert issuer.name == "HSL"
    assert CardIssuer.objects.count() == 1


def test_the_batch_page_and_the_issuer_list_have_a_fixed_number_of_queries(
    agent: Client, admin: Client, django_assert_num_queries: Any
) -> None:
    small = batch_issue(size=1, actor=SYSTEM)
    large = batch_issue(size=50, actor=SYSTEM)
    agent.get(batch_url(small))
    admin.get(ISSUERS)

    with django_assert_num_queries(QUERIES_BATCH_DETAIL):
        agent.get(batch_url(small))
    with django_assert_num_queries(QUERIES_BATCH_DETAIL):
        agent.get(batch_url(large))
    with django_assert_num_queries(QUERIES_ISSUER_LIST):
        admin.get(ISSUERS)
    issuer_create(name="HSL", kind="travel", actor=SYSTEM)
    issuer_create(name="Waltti", kind="travel", actor=SYSTEM)
    with django_assert_num_queries(QUERIES_ISSUER_LIST):
        body = admin.get(ISSUERS).content.decode()
    assert "Waltti" in body


QUERIES_BATCH_DETAIL = 5
QUERIES_ISSUER_LIST = 5


@pytest.mark.parametrize(
    ("language", "heading", "state"),
    [("fi", "2 kortin erä", "Luotu, tulostettavana"), ("sv", "Sats med 2 kort", "Skapad, trycks")],
)
def test_the_batch_page_speaks_finnish_and_swedish(language: str, heading: str, state: str) -> None:
    batch = batch_issue(size=2, actor=SYSTEM)
    client = staff_client(StaffRole.CUSTOMER_SERVICE, language)

    body = client.get(batch_url(batch)).content.decode()

    assert heading in body
    assert state in body
