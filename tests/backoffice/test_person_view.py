"""Customer service's person view: cards, visits, balances, rewards, consents and open
requests behind a stated reason; block, unblock, a card change code and a balance
correction, each with a reason, audited and shown in the person's Activity."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards.models import Card, CardChange
from kliento.cards.services import card_issue_kliento
from kliento.consent import services as consent
from kliento.consent.models import ConsentEvent
from kliento.dsr import services as dsr
from kliento.visits import loyalty
from kliento.visits.models import LedgerEntry, Reward
from tests.backoffice.conftest import Anna, check_in, open_url, opened, staff_client
from tests.conftest import PASSWORD, MerchantWorld, make_user

pytestmark = pytest.mark.django_db

OTHER_ROLES = [StaffRole.MARKETING, StaffRole.AUDITOR, StaffRole.ADMINISTRATOR]


def block_url(anna: Anna, card: Card | None = None) -> str:
    card = card or anna.card
    return reverse("staff_person:card_block", args=[anna.subject.public_id, card.public_id])


def unblock_url(anna: Anna, card: Card | None = None) -> str:
    card = card or anna.card
    return reverse("staff_person:card_unblock", args=[anna.subject.public_id, card.public_id])


def change_url(anna: Anna) -> str:
    return reverse("staff_person:change_code", args=[anna.subject.public_id])


def correct_url(anna: Anna) -> str:
    return reverse("staff_person:correct", args=[anna.subject.public_id])


def activity(anna: Anna) -> str:
    client = Client()
    client.force_login(anna.user)
    return client.get("/profile/activity/").content.decode()


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def balance_of(anna: Anna, program: Any) -> loyalty.Balance:
    ids = loyalty.account_card_ids(anna.card)
    return loyalty.balances([program.pk], ids)[program.pk]


# --- what the view shows -----------------------------------------------------------------


def test_the_view_shows_cards_visits_balances_rewards_consents_and_requests(
    cs: Client, anna: Anna, merchant_a: MerchantWorld, staff_user: Any
) -> None:
    # given a consent and an open request
    consent.consent_give(
        subject=anna.subject, purpose_key="email_marketing", language="en",
        channel=ConsentEvent.Channel.WEB, actor=Actor.person(anna.user),
    )  # fmt: skip
    officer = staff_user(StaffRole.PRIVACY_OFFICER)
    request = dsr.request_create(
        login_email=anna.user.email, kind="access", channel="email", details="",
        actor=Actor.staff(officer, StaffRole.PRIVACY_OFFICER.value),
    )  # fmt: skip

    page = opened(cs, anna.subject).content.decode()

    assert "•••• " + anna.number[-4:] in page
    assert anna.number not in page  # the number is masked
    assert "Kahvila Aalto Kamppi" in page  # the premises of each visit
    assert "12.50 €" in page
    visits = re.findall(r"<tr><td class=\"nowrap\">[^<]+</td><td>Kahvila Aalto Kamppi", page)
    assert len(visits) == 2
    assert "Marketing by e-mail" in page
    assert reverse("staff_consent:person", args=[anna.subject.public_id]) in page
    assert reverse("dsr_staff:detail", args=[request.public_id]) in page


def test_the_shown_balances_equal_the_ledger_sums(
    cs: Client, anna: Anna, merchant_a: MerchantWorld
) -> None:
    check_in(merchant_a, anna.number)  # the third stamp fills the card: a reward
    response = opened(cs, anna.subject)

    shown = {s.program.pk: s for panel in response.context["panels"] for s in panel.programs}
    for program in (merchant_a.points, merchant_a.stamps):
        sums = balance_of(anna, program)
        assert (shown[program.pk].balance.points, shown[program.pk].balance.stamps) == (
            sums.points, sums.stamps,
        )  # fmt: skip
    assert shown[merchant_a.points.pk].balance.points == 3 * 22
    assert shown[merchant_a.stamps.pk].balance.stamps == 0  # 3 stamps became a reward
    assert shown[merchant_a.stamps.pk].rewards_available == 1
    page = response.content.decode()
    assert f'id="program-{merchant_a.points.public_id}"' in page
    assert '<dd data-balance="points">66</dd>' in page


def test_rewards_are_counted_as_available_used_and_expired(
    cs: Client, anna: Anna, merchant_a: MerchantWorld
) -> None:
    for _ in range(4):
        check_in(merchant_a, anna.number)  # six stamps in all: two rewards
    first, second = Reward.objects.filter(card=anna.card).order_by("pk")
    Reward.objects.filter(pk=first.pk).update(status=Reward.Status.REDEEMED)
    Reward.objects.filter(pk=second.pk).update(expires_at="2020-01-01T00:00:00Z")

    response = opened(cs, anna.subject)

    stamps = next(
        s for p in response.context["panels"] for s in p.programs if s.program.kind == "stamps"
    )
    assert (stamps.rewards_available, stamps.rewards_used, stamps.rewards_expired) == (0, 1, 1)


def test_the_view_has_a_fixed_number_of_queries_however_long_the_history(
    cs: Client, anna: Anna, merchant_a: MerchantWorld, merchant_b: MerchantWorld,
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    cs.get(open_url(anna.subject))
    with django_assert_num_queries(28):
        opened(cs, anna.subject)
    # when the history grows: more visits, rewards, a second card and merchant, a correction
    for _ in range(5):
        check_in(merchant_a, anna.number)
        check_in(merchant_b, anna.number)
    card_issue_kliento(actor=Actor.system("tests"), holder=anna.subject)
    with django_assert_num_queries(28):
        response = opened(cs, anna.subject)
    assert len(response.context["panels"]) == 2


def test_at_most_fifty_visits_per_merchant_are_shown(
    cs: Client, anna: Anna, merchant_a: MerchantWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kliento.backoffice.person_view.VISITS_PER_MERCHANT", 3)
    for _ in range(3):
        check_in(merchant_a, anna.number)
    response = opened(cs, anna.subject)
    assert [len(p.visits) for p in response.context["panels"]] == [3]


def test_coming_back_shows_the_view_again_and_records_it_again(cs: Client, anna: Anna) -> None:
    assert "Why do you open this profile?" in cs.get(open_url(anna.subject)).content.decode()
    opened(cs, anna.subject, "Ticket 99")

    response = cs.get(open_url(anna.subject))

    assert "Visits, points and stamps" in response.content.decode()
    reads = entries("profile.read")
    assert [e.purpose for e in reads] == ["Ticket 99", "Ticket 99"]


# --- who may see and act -------------------------------------------------------------------


@pytest.mark.parametrize("role", OTHER_ROLES, ids=lambda r: r.value)
def test_other_staff_roles_are_refused(staff_user: Any, anna: Anna, role: StaffRole) -> None:
    client = staff_client(staff_user, role)
    for url in (open_url(anna.subject), block_url(anna), unblock_url(anna),
                change_url(anna), correct_url(anna)):  # fmt: skip
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x", "purpose": "x"}).status_code == 403
    assert Card.objects.get(pk=anna.card.pk).status == Card.Status.ACTIVE


def test_the_privacy_officer_sees_the_view_but_does_not_act(staff_user: Any, anna: Anna) -> None:
    client = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    page = opened(client, anna.subject).content.decode()
    assert "Visits, points and stamps" in page
    assert block_url(anna) not in page
    assert client.post(block_url(anna), {"reason": "x"}).status_code == 403


@pytest.mark.parametrize("who", ["member", "merchant_owner", "merchant_cashier"])
def test_members_and_merchant_users_are_refused_as_on_every_staff_page(
    anna: Anna, merchant_a: MerchantWorld, who: str
) -> None:
    user = {
        "member": make_user("someone@example.fi"),
        "merchant_owner": merchant_a.owner,
        "merchant_cashier": merchant_a.cashier,
    }[who]
    client = Client()
    client.force_login(user)
    for url in (open_url(anna.subject), block_url(anna), correct_url(anna), change_url(anna)):
        assert client.post(url, {"reason": "x", "purpose": "x"}).status_code == 404
    assert not entries("profile.read")


def test_another_persons_card_is_not_found(cs: Client, anna: Anna, other_cardholder: User) -> None:
    from kliento.register.services import subject_of

    bertil = subject_of(other_cardholder)
    card, _n, _c = card_issue_kliento(actor=Actor.system("tests"), holder=bertil)
    assert cs.post(block_url(anna, card), {"reason": "lost"}).status_code == 404
    assert Card.objects.get(pk=card.pk).status == Card.Status.ACTIVE


# --- block and unblock ---------------------------------------------------------------------


def test_block_and_unblock_with_a_reason_are_audited_and_in_the_activity(
    cs: Client, anna: Anna
) -> None:
    opened(cs, anna.subject)

    response = cs.post(block_url(anna), {"reason": "Ticket 12: card lost on a bus"})

    assert response.status_code == 302
    assert response["Location"] == open_url(anna.subject)
    assert Card.objects.get(pk=anna.card.pk).status == Card.Status.BLOCKED
    [block] = entries("card.block")
    assert (block.purpose, block.subject_id, block.actor_role) == (
        "Ticket 12: card lost on a bus", anna.subject.public_id, "customer_service",
    )  # fmt: skip
    page = cs.get(open_url(anna.subject)).content.decode()
    assert "is blocked. It no longer checks in anywhere." in page
    assert unblock_url(anna) in page

    response = cs.post(unblock_url(anna), {"reason": "Ticket 12: found again"})

    assert response.status_code == 302
    assert Card.objects.get(pk=anna.card.pk).status == Card.Status.ACTIVE
    [unblock] = entries("card.unblock")
    assert unblock.purpose == "Ticket 12: found again"
    timeline = activity(anna)
    assert "Blocked your card" in timeline
    assert "Unblocked your card" in timeline
    assert "Ticket 12: found again" in timeline


@pytest.mark.parametrize("data", [{}, {"reason": "   "}, {"reason": "x" * 201}], ids=str)
def test_a_missing_reason_is_a_form_error_and_changes_nothing(
    cs: Client, anna: Anna, data: dict[str, str]
) -> None:
    for url in (block_url(anna), change_url(anna)):
        response = cs.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        assert 'class="errorlist' in response.content.decode()
    assert Card.objects.get(pk=anna.card.pk).status == Card.Status.ACTIVE
    assert not AuditEntry.objects.filter(action__startswith="card.block").exists()
    assert not CardChange.objects.exists()
    assert mail.outbox == []


def test_unblocking_an_active_card_is_a_form_error_and_writes_nothing(
    cs: Client, anna: Anna
) -> None:
    before = AuditEntry.objects.count()
    response = cs.post(unblock_url(anna), {"reason": "Ticket 13"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This card is not blocked."]
    assert AuditEntry.objects.count() == before


# --- card change code ----------------------------------------------------------------------


def test_a_change_code_goes_by_email_never_to_the_screen_and_replaces_the_card(
    cs: Client, anna: Anna, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(pk=anna.user.pk).update(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = cs.post(change_url(anna), {"reason": "Ticket 14: card broken"}, follow=True)

    [message] = mail.outbox
    assert message.to == [anna.user.email]
    code = re.search(r"change code: ([A-Z0-9]{8})", message.body)
    number = re.search(r"card number: ([0-9 ]{19})", message.body)
    assert code is not None
    assert number is not None
    assert code.group(1) not in response.content.decode()
    assert "on its way" in response.content.decode()
    [sent] = entries("card.change_code_send")
    assert (sent.purpose, sent.subject_id) == ("Ticket 14: card broken", anna.subject.public_id)
    assert "Sent you a card change code by e-mail" in activity(anna)
    # the person replaces their card with the code on their own page
    person = Client()
    assert person.login(email=anna.user.email, password=PASSWORD)
    response = person.post(
        "/profile/cards/change/", {"old_card": str(anna.card.public_id), "code": code.group(1)}
    )
    assert response.status_code == 302
    assert Card.objects.get(pk=anna.card.pk).status == Card.Status.REPLACED
    new = Card.objects.get(holder=anna.subject, status=Card.Status.ACTIVE, kind="kliento")
    assert new.pk != anna.card.pk


def test_no_change_code_without_a_verified_login_address(
    cs: Client, anna: Anna, django_capture_on_commit_callbacks: Any
) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=anna.user).update(verified=False)
    cards_before = Card.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = cs.post(change_url(anna), {"reason": "Ticket 15"})
    assert response.status_code == 200
    assert "no verified login e-mail address" in str(response.context["form"].errors)
    assert (Card.objects.count(), CardChange.objects.count(), mail.outbox) == (cards_before, 0, [])
    assert not entries("card.change_code_send")


# --- balance correction --------------------------------------------------------------------


def test_a_correction_adds_an_entry_shown_in_the_view_and_the_activity(
    cs: Client, anna: Anna, merchant_a: MerchantWorld
) -> None:
    opened(cs, anna.subject)
    earlier = list(LedgerEntry.objects.order_by("pk").values())
    response = cs.post(correct_url(anna), {
        "program": str(merchant_a.points.public_id), "points": "30", "stamps": "0",
        "reason": "Ticket 16: visit on 1 Dec not recorded",
    })  # fmt: skip

    assert response.status_code == 302
    assert list(LedgerEntry.objects.order_by("pk").values())[: len(earlier)] == earlier
    entry = LedgerEntry.objects.latest("pk")
    assert (entry.kind, entry.points, entry.reason, entry.actor_kind) == (
        "correction", 30, "Ticket 16: visit on 1 Dec not recorded", "staff",
    )  # fmt: skip
    assert balance_of(anna, merchant_a.points).points == 44 + 30
    [audit] = entries("ledger.correct")
    assert audit.purpose == "Ticket 16: visit on 1 Dec not recorded"
    page = cs.get(open_url(anna.subject)).content.decode()
    assert '<dd data-balance="points">74</dd>' in page
    assert "Corrected by customer service" in page
    timeline = activity(anna)
    assert "Corrected your points or stamps" in timeline
    assert "Customer service corrected your points in Kahvila Aalto points: +30" in timeline


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"points": "-45", "stamps": "0"}, "points", "cannot go below zero"),
        ({"points": "0", "stamps": "0"}, "points", "Enter the points or stamps"),
        ({"points": "5", "stamps": "0", "reason": ""}, "reason", "required"),
        ({"points": "many", "stamps": "0"}, "points", "whole number"),
        ({"points": "5", "stamps": "0", "program": "nope"}, "program", "valid choice"),
    ],
    ids=["negative", "empty", "no-reason", "not-a-number", "unknown-program"],
)
def test_bad_corrections_are_form_errors_and_write_nothing(  # noqa: PLR0917
    cs: Client, anna: Anna, merchant_a: MerchantWorld, data: dict[str, str], field: str,
    message: str,
) -> None:  # fmt: skip
    entries_before, audits_before = LedgerEntry.objects.count(), AuditEntry.objects.count()
    form = {"program": str(merchant_a.points.public_id), "reason": "Ticket 17", **data}

    response = cs.post(correct_url(anna), form)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert (LedgerEntry.objects.count(), AuditEntry.objects.count()) == (
        entries_before, audits_before,
    )  # fmt: skip


def test_the_page_speaks_finnish(cs: Client, anna: Anna) -> None:
    response = cs.post(open_url(anna.subject), {"purpose": "Tiketti 1"}, HTTP_ACCEPT_LANGUAGE="fi")
    page = response.content.decode()
    assert "Käynnit, pisteet ja leimat" in page
    assert "Korjaa saldoa" in page


def test_the_change_code_email_is_in_the_persons_language(
    cs: Client, anna: Anna, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(pk=anna.user.pk).update(language="fi")
    with django_capture_on_commit_callbacks(execute=True):
        cs.post(change_url(anna), {"reason": "Ticket 18"})
    [message] = mail.outbox
    assert message.subject == "Klienton kortinvaihtokoodisi"
    assert "anna tämä vaihtokoodi" in message.body


def test_a_person_who_visited_is_a_customer_of_that_merchant_without_joining(
    cs: Client, anna: Any, merchant_a: Any
) -> None:
    from kliento.sharing.models import Relationship

    Relationship.objects.filter(subject=anna.subject).delete()  # visits, no relationship

    body = opened(cs, anna.subject).content.decode()

    assert merchant_a.merchant.name in body.split("merchants-heading", 1)[1]
    assert "Not a customer of any merchant" not in body
