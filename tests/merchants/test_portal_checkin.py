"""The cashier's check-in screen: the same service as the terminal API, as the signed-in
cashier at their premises; bad cards change nothing; rewards; reversal."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards.services import card_block, card_issue_kliento
from kliento.merchants.models import Premises
from kliento.register import services as register
from kliento.sharing import services as sharing
from kliento.visits import loyalty
from kliento.visits.models import LedgerEntry, Reward, Visit
from tests.conftest import MerchantWorld
from tests.merchants.conftest import CARD, check_in, url

pytestmark = pytest.mark.django_db


def submit(client: Client, world: MerchantWorld, card: str, **extra: Any) -> Any:
    data = {
        "card": card,
        "premises": str(world.premises.public_id),
        "idempotency_key": str(uuid.uuid4()),
        **extra,
    }
    return client.post(url(world, "checkin"), data)


def test_the_screen_has_an_autofocused_card_field_and_a_hidden_camera_button(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    body = cashier.get(url(merchant_a, "checkin")).content.decode()

    assert 'name="card"' in body
    assert "autofocus" in body
    assert "data-camera hidden" in body  # shown by checkin.js only where BarcodeDetector exists
    assert "merchant/checkin.js" in body


def test_a_cashier_checks_in_a_new_card_and_sees_loyalty(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    response = submit(cashier, merchant_a, CARD, amount="12.50")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Checked in" in body
    assert "Unregistered card" in body
    assert "+22 points" in body  # 10 per visit + 12 per euro
    assert "1 / 3 stamps" in body
    visit = Visit.objects.get()
    assert (visit.cashier, visit.premises, visit.amount_cents) == (
        merchant_a.cashier, merchant_a.premises, 1250,
    )  # fmt: skip
    assert visit.terminal is None
    entry = AuditEntry.objects.filter(action="visit.record").latest("pk")
    assert entry.actor_kind == "merchant_staff"


def test_submitting_the_same_form_twice_records_one_visit(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    key = str(uuid.uuid4())
    submit(cashier, merchant_a, CARD, idempotency_key=key)
    again = submit(cashier, merchant_a, CARD, idempotency_key=key)

    assert "Already checked in" in again.content.decode()
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("card", "shown"),
    [
        ("9246 0000 0000 0001", "The last digit does not match the others"),
        ("1234 5678", "A Kliento card number has 16 digits"),
        ("hello", "Type the card number, or read the card"),
        ("KLQR1:forged:token", "This QR code is not a Kliento code."),
    ],
)
def test_a_bad_card_is_an_error_and_nothing_is_recorded(
    cashier: Client, merchant_a: MerchantWorld, card: str, shown: str
) -> None:
    response = submit(cashier, merchant_a, card)

    assert response.status_code == 422
    body = response.content.decode()
    assert "Not checked in." in body
    assert "This is not a card Kliento can read." in body
    assert shown in body
    assert not Visit.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_a_blocked_card_is_refused(cashier: Client, merchant_a: MerchantWorld) -> None:
    card, number, _code = card_issue_kliento(actor=Actor.system("tests"))
    card_block(card=card, actor=Actor.system("tests"), reason="lost")

    response = submit(cashier, merchant_a, number)

    assert response.status_code == 422
    assert "This card is blocked" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_cashier_cannot_check_in_at_premises_that_are_not_theirs(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    other = Premises.objects.create(merchant=merchant_a.merchant, name="Kahvila Aalto Töölö")

    response = submit(cashier, merchant_a, CARD, premises=str(other.public_id))

    assert response.status_code == 422
    assert not Visit.objects.exists()


def test_another_merchants_premises_are_not_a_choice(
    owner: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    response = submit(owner, merchant_a, CARD, premises=str(merchant_b.premises.public_id))

    assert response.status_code == 422
    assert not Visit.objects.exists()


def test_a_bad_amount_is_a_form_error(cashier: Client, merchant_a: MerchantWorld) -> None:
    response = submit(cashier, merchant_a, CARD, amount="-5")

    assert response.status_code == 422
    assert not Visit.objects.exists()


def test_closed_premises_cannot_be_chosen(cashier: Client, merchant_a: MerchantWorld) -> None:
    Premises.objects.filter(pk=merchant_a.premises.pk).update(is_open=False)

    assert (
        "None of your premises is open" in cashier.get(url(merchant_a, "checkin")).content.decode()
    )
    assert submit(cashier, merchant_a, CARD).status_code == 422
    assert not Visit.objects.exists()


def test_after_enough_stamps_the_reward_is_redeemed_once(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    for _ in range(3):
        response = submit(cashier, merchant_a, CARD)
    body = response.content.decode()
    reward = Reward.objects.get()
    assert "Free lunch" in body
    assert str(reward.public_id) in body

    redeemed = cashier.post(
        url(merchant_a, "reward_redeem"), {"reward": str(reward.public_id)}, follow=True
    )
    assert "Reward redeemed: Free lunch." in redeemed.content.decode()
    reward.refresh_from_db()
    assert reward.status == Reward.Status.REDEEMED

    again = cashier.post(
        url(merchant_a, "reward_redeem"), {"reward": str(reward.public_id)}, follow=True
    )
    assert "already been used" in again.content.decode()


def test_a_reward_is_redeemed_by_the_code_the_customer_shows(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    for _ in range(3):
        check_in(merchant_a)
    reward = Reward.objects.get()

    wrong = cashier.post(url(merchant_a, "reward_redeem"), {"code": "NOTACODE"})
    assert wrong.status_code == 422
    assert "There is no such reward" in wrong.content.decode()
    reward.refresh_from_db()
    assert reward.status == Reward.Status.AVAILABLE

    cashier.post(url(merchant_a, "reward_redeem"), {"code": loyalty.reward_code(reward)})
    reward.refresh_from_db()
    assert reward.status == Reward.Status.REDEEMED


def test_another_merchants_reward_code_does_not_redeem(
    cashier: Client, merchant_a: MerchantWorld, merchant_b: MerchantWorld
) -> None:
    for _ in range(3):
        check_in(merchant_b)
    reward = Reward.objects.get()

    response = cashier.post(url(merchant_a, "reward_redeem"), {"code": loyalty.reward_code(reward)})

    assert response.status_code == 422
    reward.refresh_from_db()
    assert reward.status == Reward.Status.AVAILABLE


def test_points_are_claimed_for_a_reward_when_there_are_enough(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    body = submit(cashier, merchant_a, CARD, amount="45").content.decode()  # 10 + 45 points
    assert "Claim Coffee for 50 points" in body
    card_id = Visit.objects.get().card.public_id  # type: ignore[union-attr]

    response = cashier.post(
        url(merchant_a, "points_claim"),
        {"program": str(merchant_a.points.public_id), "card": str(card_id)},
        follow=True,
    )

    assert "Reward claimed: Coffee." in response.content.decode()
    assert Reward.objects.filter(program=merchant_a.points).count() == 1

    again = cashier.post(
        url(merchant_a, "points_claim"),
        {"program": str(merchant_a.points.public_id), "card": str(card_id)},
        follow=True,
    )
    assert "Not enough points" in again.content.decode()
    assert Reward.objects.filter(program=merchant_a.points).count() == 1


def test_the_customer_fields_shared_with_the_merchant_are_shown(
    cashier: Client, merchant_a: MerchantWorld, cardholder
) -> None:
    subject = register.subject_of(cardholder)
    person = Actor.person(cardholder)
    register.profile_value_set(subject=subject, item_key="first_name", value="Anna", actor=person)
    register.profile_value_set(
        subject=subject, item_key="last_name", value="Virtanen", actor=person
    )
    sharing.grants_set(
        subject=subject, merchant=merchant_a.merchant, items=["first_name"], actor=person
    )
    _card, number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=subject)

    body = submit(cashier, merchant_a, number).content.decode()

    assert "Registered card" in body
    assert "First name" in body
    assert "Anna" in body
    assert "Virtanen" not in body  # not shared


def test_a_cashier_reverses_their_own_last_check_in_with_a_reason(
    cashier: Client, merchant_a: MerchantWorld
) -> None:
    submit(cashier, merchant_a, CARD, amount="20")
    visit = Visit.objects.get()

    no_reason = cashier.post(url(merchant_a, "visit_reverse", visit.public_id), {"reason": ""})
    assert no_reason.status_code == 422
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSE).exists()

    response = cashier.post(
        url(merchant_a, "visit_reverse", visit.public_id), {"reason": "wrong card"}, follow=True
    )
    assert "The check-in was reversed." in response.content.decode()
    reversals = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSE)
    assert {(r.points, r.stamps, r.reason) for r in reversals} == {
        (-30, 0, "wrong card"),
        (0, -1, "wrong card"),
    }


def test_only_the_last_own_check_in_can_be_reversed(
    cashier: Client, owner: Client, merchant_a: MerchantWorld
) -> None:
    submit(cashier, merchant_a, CARD)
    first = Visit.objects.get()
    submit(cashier, merchant_a, "0123ABCE")

    older = cashier.post(url(merchant_a, "visit_reverse", first.public_id), {"reason": "oops"})
    assert older.status_code == 422
    assert "only your own last transaction" in older.content.decode()

    someone_elses = owner.post(url(merchant_a, "visit_reverse", first.public_id), {"reason": "x"})
    assert someone_elses.status_code == 422
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSE).exists()


def test_a_suspended_merchant_checks_no_one_in(cashier: Client, merchant_a: MerchantWorld) -> None:
    from kliento.merchants.models import Merchant

    Merchant.objects.filter(pk=merchant_a.merchant.pk).update(status=Merchant.Status.SUSPENDED)

    response = submit(cashier, merchant_a, CARD)

    assert response.status_code == 422
    assert "not approved to use Kliento" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_page_title_tells_what_happened(cashier: Client, merchant_a: MerchantWorld) -> None:
    ok = submit(cashier, merchant_a, CARD).content.decode()
    bad = submit(cashier, merchant_a, "hello").content.decode()

    assert "<title>Checked in · Check-in" in ok
    assert "<title>Not checked in · Check-in" in bad
