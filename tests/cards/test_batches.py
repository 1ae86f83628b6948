"""Card batches: issued numbers are valid and unique, codes are printable only while the
batch is being printed, and a batch's cards follow its state at the till and on the
person's "register a card" page."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards import identifiers, printing
from kliento.cards.batches import (
    PrintedCard,
    batch_activate,
    batch_issue,
    batch_print,
    batch_void,
)
from kliento.cards.issuers import issuer_create, issuer_update
from kliento.cards.models import Card, CardBatch, CardIssuer
from kliento.cards.services import card_issue_kliento, card_lookup, card_register
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.spreadsheet import safe_cell
from kliento.register.services import subject_of
from kliento.visits.models import Visit
from tests.conftest import MerchantWorld, make_user
from tests.merchants.conftest import signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent() -> Actor:
    user = make_user("cs.agent@kliento.example", role=StaffRole.CUSTOMER_SERVICE)
    return Actor.staff(user, StaffRole.CUSTOMER_SERVICE.value)


def printed(batch: CardBatch, actor: Actor) -> list[PrintedCard]:
    return batch_print(batch=batch, actor=actor, kind="csv")


def checkin_api(client: Client, world: MerchantWorld, card: str) -> Any:
    return client.post(
        "/api/v1/checkins",
        json.dumps({"card": card, "premises": str(world.premises.public_id)}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.token}",
    )


# --- issuing ---------------------------------------------------------------------------


def test_a_batch_issues_valid_unique_unregistered_cards_with_hashed_codes(agent: Actor) -> None:
    batch = batch_issue(size=40, note="print order 17", actor=agent)

    cards = list(Card.objects.filter(batch=batch).order_by("batch_position"))
    assert [c.batch_position for c in cards] == list(range(1, 41))
    assert all(c.holder_id is None and c.kind == Card.Kind.KLIENTO for c in cards)
    assert all(c.issuer.kind == CardIssuer.Kind.KLIENTO for c in cards)
    rows = printed(batch, agent)
    numbers = [row.number for row in rows]
    assert len(set(numbers)) == 40
    for number in numbers:
        assert len(number) == identifiers.KLIENTO_LENGTH
        assert number.startswith(identifiers.KLIENTO_PREFIX)
        assert identifiers.luhn_digit(number[:-1]) == number[-1]
        assert identifiers.parse(number).value == number
    assert len({row.code for row in rows}) == 40
    assert all(
        len(row.code) == 8 and set(row.code) <= set(identifiers.CODE_ALPHABET) for row in rows
    )
    # The codes are stored only as hashes: no column holds a code in plaintext.
    stored = b"".join(bytes(c.registration_code_hash or b"") for c in cards)
    assert not any(row.code.encode() in stored for row in rows)
    entry = AuditEntry.objects.get(action="card.batch_issue")
    assert entry.context == {"batch": str(batch.public_id), "size": 40}
    assert (batch.state, batch.created_by, batch.note) == ("created", agent.id, "print order 17")


def test_the_same_batch_prints_the_same_codes_every_time(agent: Actor) -> None:
    batch = batch_issue(size=5, actor=agent)

    assert printed(batch, agent) == printed(batch, agent)
    assert AuditEntry.objects.filter(action="card.batch_print").count() == 2


def test_issued_numbers_never_repeat_an_existing_card(agent: Actor) -> None:
    _card, existing, _code = card_issue_kliento(actor=agent)

    batch = batch_issue(size=30, actor=agent)

    numbers = {row.number for row in printed(batch, agent)}
    assert existing not in numbers
    assert Card.objects.filter(kind=Card.Kind.KLIENTO).count() == 31


@pytest.mark.parametrize("size", [0, -1, 10_001, "12", None, True, 2.5])
def test_a_size_out_of_range_or_not_a_number_is_refused_and_nothing_is_stored(
    agent: Actor, size: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        batch_issue(size=size, actor=agent)

    assert refused.value.code == ErrorCode.VALUE_INVALID
    assert refused.value.details == {"field": "size"}
    assert not CardBatch.objects.exists()
    assert not Card.objects.exists()
    assert not AuditEntry.objects.filter(action="card.batch_issue").exists()


# --- printing --------------------------------------------------------------------------


def test_the_csv_has_a_row_per_card_with_number_formatted_number_and_code(agent: Actor) -> None:
    batch = batch_issue(size=3, actor=agent)
    rows = printed(batch, agent)

    table = list(csv.reader(io.StringIO(printing.batch_csv(rows))))

    assert table[0] == ["number", "formatted_number", "registration_code"]
    assert table[1:] == [
        [r.number, identifiers.format_kliento_number(r.number), r.code] for r in rows
    ]


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("+3580", "'+3580"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("9246 1234", "9246 1234"), ("ABCD2345", "ABCD2345")],
)  # fmt: skip
def test_csv_cells_cannot_run_as_formulas(value: str, cell: str) -> None:
    assert safe_cell(value) == cell
    row = PrintedCard(1, value, value)
    written = list(csv.reader(io.StringIO(printing.batch_csv([row]))))[1]
    assert written[0] == cell
    assert written[2] == cell


def test_the_sheet_is_well_formed_a4_svg_with_each_number_and_code(agent: Actor) -> None:
    batch = batch_issue(size=printing.PER_SHEET + 2, actor=agent)
    rows = batch_print(batch=batch, actor=agent, kind="sheet", count=printing.PER_SHEET)

    svg = printing.batch_sheet(rows, title="Sheet 1 of 2")

    root = ET.fromstring(svg.encode())  # noqa: S314 (our own output, not untrusted input)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert (root.get("width"), root.get("height")) == ("210mm", "297mm")
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert len(rows) == printing.PER_SHEET
    for row in rows:
        assert identifiers.format_kliento_number(row.number) in texts
        assert row.formatted_code in texts
    assert len(root.findall(f"{ns}g")) == printing.PER_SHEET  # one leaflet each
    assert all(g.find(f"{ns}path") is not None for g in root.iter(f"{ns}g"))  # a QR code each
    assert printing.sheet_count(batch.size) == 2
    last = batch_print(batch=batch, actor=agent, kind="sheet", first=printing.PER_SHEET + 1,
                       count=printing.PER_SHEET)  # fmt: skip
    assert [r.position for r in last] == [printing.PER_SHEET + 1, printing.PER_SHEET + 2]


def test_codes_cannot_be_printed_after_activation_or_voiding(agent: Actor) -> None:
    active = batch_activate(batch=batch_issue(size=2, actor=agent), actor=agent)
    voided = batch_void(batch=batch_issue(size=2, actor=agent), reason="lost", actor=agent)

    with pytest.raises(DomainError) as after_activation:
        printed(active, agent)
    with pytest.raises(DomainError) as after_voiding:
        printed(voided, agent)

    assert after_activation.value.code == ErrorCode.BATCH_CODES_GONE
    assert after_voiding.value.code == ErrorCode.BATCH_VOIDED
    # The secret the codes derive from is gone: nothing can print them again.
    assert CardBatch.objects.filter(wrapped_secret=b"").count() == 2
    assert not AuditEntry.objects.filter(action="card.batch_print").exists()


# --- activation and voiding ------------------------------------------------------------


def test_activating_twice_or_a_voided_batch_is_refused(agent: Actor) -> None:
    batch = batch_activate(batch=batch_issue(size=1, actor=agent), actor=agent)
    with pytest.raises(DomainError) as twice:
        batch_activate(batch=batch, actor=agent)
    voided = batch_void(batch=batch_issue(size=1, actor=agent), reason="spoilt", actor=agent)
    with pytest.raises(DomainError) as of_voided:
        batch_activate(batch=voided, actor=agent)

    assert twice.value.code == ErrorCode.BATCH_ALREADY_ACTIVE
    assert of_voided.value.code == ErrorCode.BATCH_VOIDED
    voided.refresh_from_db()
    assert voided.state == CardBatch.State.VOIDED
    assert AuditEntry.objects.filter(action="card.batch_activate").count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_voiding_without_a_reason_is_refused(agent: Actor, reason: str) -> None:
    batch = batch_issue(size=1, actor=agent)

    with pytest.raises(DomainError) as refused:
        batch_void(batch=batch, reason=reason, actor=agent)

    assert refused.value.code == ErrorCode.REASON_REQUIRED
    batch.refresh_from_db()
    assert batch.state == CardBatch.State.CREATED
    assert not AuditEntry.objects.filter(action="card.batch_void").exists()


def test_voiding_is_audited_with_its_reason_and_cannot_be_repeated(agent: Actor) -> None:
    batch = batch_void(batch=batch_issue(size=1, actor=agent), reason="lost in post", actor=agent)

    with pytest.raises(DomainError) as again:
        batch_void(batch=batch, reason="again", actor=agent)

    assert again.value.code == ErrorCode.BATCH_VOIDED
    assert AuditEntry.objects.get(action="card.batch_void").purpose == "lost in post"


# --- the batch's cards at the till and on the register page -----------------------------


def first_card(batch: CardBatch, actor: Actor) -> PrintedCard:
    return printed(batch, actor)[0]


def test_a_card_of_a_batch_not_yet_active_is_refused_at_the_till_and_nothing_recorded(
    client: Client, merchant_a: MerchantWorld, agent: Actor
) -> None:
    batch = batch_issue(size=1, actor=agent)
    card = first_card(batch, agent)

    response = checkin_api(client, merchant_a, card.formatted_number)

    assert response.status_code == 409
    assert response.json()["code"] == "card_batch_inactive"
    assert response.json()["details"] == {"batch_state": "created"}
    assert not Visit.objects.exists()


def test_once_active_the_card_checks_in_and_its_holder_registers_it_with_the_leaflet_code(
    client: Client, merchant_a: MerchantWorld, agent: Actor, cardholder: User
) -> None:
    batch = batch_issue(size=2, actor=agent)
    card = first_card(batch, agent)
    batch_activate(batch=batch, actor=agent)

    first_use = checkin_api(client, merchant_a, card.number)
    assert first_use.status_code == 201, first_use.content
    # The cashier's screen never reveals a batch card's code: it is on the leaflet.
    assert first_use.json().get("registration_code") in (None, "")

    page = signed_in(cardholder)
    response = page.post(
        "/profile/cards/register/",
        {"card_number": card.formatted_number, "code": card.formatted_code.lower()},
    )

    assert response.status_code == 302
    registered = Card.objects.get(lookup=card_lookup("kliento", card.number))
    assert registered.holder == subject_of(cardholder)
    assert Visit.objects.get().card == registered  # the first visit became the holder's


def test_a_voided_batch_refuses_unregistered_cards_but_not_registered_ones(
    client: Client, merchant_a: MerchantWorld, agent: Actor, cardholder: User
) -> None:
    batch = batch_issue(size=2, actor=agent)
    mine, loose = printed(batch, agent)
    batch_activate(batch=batch, actor=agent)
    card_register(subject=subject_of(cardholder), card_number=mine.number, code=mine.code,
                  actor=Actor.person(cardholder))  # fmt: skip
    batch_void(batch=batch, reason="stolen from the courier", actor=agent)

    refused = checkin_api(client, merchant_a, loose.number)
    kept = checkin_api(client, merchant_a, mine.number)

    assert refused.status_code == 409
    assert refused.json()["code"] == "card_batch_inactive"
    assert refused.json()["details"] == {"batch_state": "voided"}
    assert kept.status_code == 201
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("activate", [False, True])
def test_registering_a_card_of_an_inactive_batch_is_refused_and_changes_nothing(
    agent: Actor, cardholder: User, activate: bool
) -> None:
    batch = batch_issue(size=1, actor=agent)
    card = first_card(batch, agent)
    if activate:
        batch_activate(batch=batch, actor=agent)
    batch_void(batch=batch, reason="lost", actor=agent)

    page = signed_in(cardholder)
    response = page.post(
        "/profile/cards/register/", {"card_number": card.number, "code": card.code}
    )

    assert response.status_code == 200
    assert "This card has been withdrawn from use." in response.content.decode()
    assert not Card.objects.filter(holder__isnull=False).exists()


@pytest.mark.parametrize(
    ("void", "message"),
    [(False, "This card has not been activated yet. Use another card."),
     (True, "This card has been withdrawn from use. Use another card.")],
)  # fmt: skip
def test_the_cashier_screen_shows_the_refusal_next_to_the_card(
    merchant_a: MerchantWorld, agent: Actor, void: bool, message: str
) -> None:
    batch = batch_issue(size=1, actor=agent)
    card = first_card(batch, agent)
    if void:
        batch_activate(batch=batch, actor=agent)
        batch_void(batch=batch, reason="stolen", actor=agent)

    response = signed_in(merchant_a.cashier).post(
        url(merchant_a, "checkin"),
        {"card": card.formatted_number, "premises": str(merchant_a.premises.public_id),
         "idempotency_key": str(uuid.uuid4())},
    )  # fmt: skip

    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body  # shown next to the card field
    assert not Visit.objects.exists()


def test_numbers_outside_any_batch_still_work_on_first_scan(
    client: Client, merchant_a: MerchantWorld
) -> None:
    body = identifiers.KLIENTO_PREFIX + "12345678901"
    number = body + identifiers.luhn_digit(body)

    response = checkin_api(client, merchant_a, number)

    assert response.status_code == 201
    assert Card.objects.get().batch is None


# --- card issuers ----------------------------------------------------------------------


def test_an_administrator_adds_and_edits_a_travel_card_issuer(agent: Actor) -> None:
    issuer = issuer_create(name="  HSL  ", kind="travel", actor=agent)
    issuer = issuer_update(issuer=issuer, name="HSL Helsinki", kind="merchant", actor=agent)

    assert (issuer.name, issuer.kind) == ("HSL Helsinki", "merchant")
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="card.issuer")] == [
        "card.issuer_create",
        "card.issuer_update",
    ]


def test_a_second_travel_issuer_does_not_break_contactless_check_ins(
    client: Client, merchant_a: MerchantWorld, agent: Actor
) -> None:
    assert checkin_api(client, merchant_a, "0123ABCD").status_code == 201
    issuer_create(name="HSL", kind="travel", actor=agent)

    assert checkin_api(client, merchant_a, "0456ABCD").status_code == 201
    assert Card.objects.values("issuer").distinct().count() == 1


@pytest.mark.parametrize(
    ("name", "kind", "field"),
    [("", "travel", "name"), ("x" * 121, "travel", "name"), ("Kliento 2", "kliento", "kind"),
     ("Other", "bank", "kind")],
)  # fmt: skip
def test_bad_issuer_input_is_refused(agent: Actor, name: str, kind: str, field: str) -> None:
    with pytest.raises(DomainError) as refused:
        issuer_create(name=name, kind=kind, actor=agent)

    assert refused.value.code == ErrorCode.VALUE_INVALID
    assert refused.value.details == {"field": field}
    assert not CardIssuer.objects.exists()


def test_an_issuer_with_cards_keeps_its_kind(agent: Actor) -> None:
    card, _number, _code = card_issue_kliento(actor=agent)

    with pytest.raises(DomainError) as refused:
        issuer_update(issuer=card.issuer, name="Kliento Oy", kind="travel", actor=agent)
    renamed = issuer_update(issuer=card.issuer, name="Kliento Oy (Helsinki)", kind="kliento",
                            actor=agent)  # fmt: skip

    assert refused.value.code == ErrorCode.ISSUER_IN_USE
    assert (renamed.name, renamed.kind) == ("Kliento Oy (Helsinki)", "kliento")
