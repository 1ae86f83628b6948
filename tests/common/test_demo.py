"""``kliento demo``: its data comes through the product's own flows (staff invitations,
merchant applications, card batches, check-ins, corrections), a second run changes
nothing, and the printed logins work."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.test import Client

from kliento.accounts import staff
from kliento.accounts.models import StaffSetupToken, User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.backoffice.management.commands import demo
from kliento.backoffice.management.commands.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from kliento.cards.models import Card, CardBatch
from kliento.disclosures.models import Disclosure, OutboxMessage, Recipient
from kliento.merchants.business_id import business_id_normalise
from kliento.merchants.models import (
    Invitation,
    Membership,
    Merchant,
    MerchantApplication,
    Premises,
    Terminal,
)
from kliento.surveys.models import Survey
from kliento.visits.models import LedgerEntry, LoyaltyProgram, Visit

pytestmark = pytest.mark.django_db

STAFF_LOGINS = [f"{role.value.replace('_', '-')}@demo.kliento.fi" for role in StaffRole]
LOGINS = [
    *STAFF_LOGINS,
    "owner@demo.kliento.fi",
    "cashier@demo.kliento.fi",
    "cardholder@demo.kliento.fi",
]
README = Path(__file__).resolve().parents[2] / "README.md"
MODELS: list[type[Model]] = [
    User, Authenticator, StaffSetupToken, AuditEntry, Merchant, MerchantApplication, Premises,
    Membership, Invitation, Terminal, LoyaltyProgram, CardBatch, Card, Visit, LedgerEntry,
    Recipient, Disclosure, OutboxMessage, Survey,
]  # fmt: skip


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def actions() -> Counter[str]:
    return Counter(AuditEntry.objects.values_list("action", flat=True))


@pytest.fixture
def local(settings: Any) -> None:
    settings.DEBUG = True


@pytest.mark.usefixtures("local")
def test_demo_runs_twice_prints_the_logins_and_the_second_run_changes_nothing() -> None:
    first = run_demo()
    made = counts()
    second = run_demo()

    # nothing new: no row, no audit entry
    assert counts() == made
    for output in (first, second):
        assert DEMO_PASSWORD in output
        for email in LOGINS:
            assert email in output
    # every printed login has the printed password and a verified address
    for email in LOGINS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user, email=email).verified


@pytest.mark.usefixtures("local")
def test_the_staff_come_through_invitations_and_setup_links() -> None:
    run_demo()

    administrator = User.objects.get(email="administrator@demo.kliento.fi")
    for role in StaffRole:
        user = User.objects.get(email=f"{role.value.replace('_', '-')}@demo.kliento.fi")
        assert user.has_role(role)
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        # the setup link was used to choose the password
        assert StaffSetupToken.objects.filter(user=user, used_at__isnull=False).exists()
    invited = AuditEntry.objects.filter(action="staff.invite")
    assert invited.count() == len(StaffRole)
    # the administrator came from the demo (as from `kliento staff create-admin`) and
    # invited every other staff member
    assert invited.filter(actor_id=str(administrator.public_id)).count() == len(StaffRole) - 1
    assert actions()["staff.setup"] == len(StaffRole)


@pytest.mark.usefixtures("local")
def test_each_merchant_comes_through_an_approved_application() -> None:
    run_demo()

    merchants = list(Merchant.objects.all())
    assert len(merchants) == 2
    assert not Merchant.objects.exclude(status=Merchant.Status.APPROVED).exists()
    administrator = User.objects.get(email="administrator@demo.kliento.fi")
    owner = User.objects.get(email="owner@demo.kliento.fi")
    for merchant in merchants:
        application = MerchantApplication.objects.get(merchant=merchant)
        assert application.status == MerchantApplication.Status.APPROVED
        assert application.applicant == owner
        assert application.verified_at is not None
        assert business_id_normalise(merchant.business_id) == merchant.business_id
        assert Membership.objects.get(merchant=merchant, user=owner).role == "owner"
        approved = AuditEntry.objects.get(
            action="merchant.approved", context__merchant=str(merchant.public_id)
        )
        assert approved.actor_id == str(administrator.public_id)
    counted = actions()
    assert (counted["merchant.apply"], counted["merchant.verify"]) == (2, 2)
    # the owner added the second premises, the programs and the terminals
    assert (counted["premises.create"], counted["program.create"]) == (3, 4)
    assert counted["terminal.create"] == 3
    assert {p.kind for p in LoyaltyProgram.objects.all()} == {"points", "stamps"}
    # the cashier joined through the owner's invitation
    invitation = Invitation.objects.get(email="cashier@demo.kliento.fi")
    assert invitation.accepted_at is not None
    cashier = Membership.objects.get(user__email="cashier@demo.kliento.fi")
    assert cashier.role == Membership.Role.CASHIER
    assert set(cashier.premises.all()) == set(invitation.premises.all())
    assert cashier.premises.exists()


@pytest.mark.usefixtures("local")
def test_the_cards_come_from_an_active_batch_and_the_cardholder_registered_one() -> None:
    run_demo()

    [batch] = CardBatch.objects.all()
    assert batch.state == CardBatch.State.ACTIVE
    assert not batch.wrapped_secret  # the leaflet codes can no longer be printed
    assert not Card.objects.filter(batch__isnull=True).exists()
    [card] = Card.objects.filter(holder__isnull=False)
    assert card.batch == batch
    assert card.holder.user.email == "cardholder@demo.kliento.fi"  # type: ignore[union-attr]
    counted = actions()
    for action in ("card.batch_issue", "card.batch_print", "card.batch_activate"):
        assert counted[action] == 1
    assert counted["card.register"] == 1
    # check-ins through the terminals, at both merchants
    assert counted["visit.record"] == Visit.objects.count() == 6
    assert Visit.objects.values("merchant").distinct().count() == 2
    # customer service corrected a balance
    [correction] = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CORRECTION)
    service = User.objects.get(email="customer-service@demo.kliento.fi")
    assert correction.card == card
    assert correction.actor_id == str(service.public_id)
    assert counted["ledger.correct"] == 1


@pytest.mark.usefixtures("local")
def test_the_privacy_officer_records_a_manual_disclosure_to_an_authority() -> None:
    run_demo()

    officer = User.objects.get(email="privacy-officer@demo.kliento.fi")
    [recipient] = Recipient.objects.all()
    assert recipient.kind == Recipient.Kind.AUTHORITY
    [disclosure] = Disclosure.objects.all()
    assert disclosure.recipient == recipient
    assert disclosure.subject.user.email == "cardholder@demo.kliento.fi"  # type: ignore[union-attr]
    assert (disclosure.item, disclosure.legal_basis) == ("card_identifiers", "legal_obligation")
    assert disclosure.note
    assert disclosure.actor_id == str(officer.public_id)
    for action in ("recipient.create", "disclosure.record"):
        assert AuditEntry.objects.get(action=action).actor_id == str(officer.public_id)


@pytest.mark.usefixtures("local")
def test_another_administrator_does_not_stop_the_demo() -> None:
    system = Actor.system("setup")
    admin, token = staff.staff_first_admin_create(email="admin@example.fi", actor=system)
    staff.staff_setup_complete(token=token, password=DEMO_PASSWORD)

    run_demo()

    assert User.objects.get(email="administrator@demo.kliento.fi").has_role(StaffRole.ADMINISTRATOR)
    assert admin.has_role(StaffRole.ADMINISTRATOR)


@pytest.mark.usefixtures("local")
def test_a_staff_member_whose_link_was_never_used_gets_set_up() -> None:
    system = Actor.system("setup")
    user, _token = staff.staff_first_admin_create(
        email="administrator@demo.kliento.fi", actor=system
    )

    run_demo()

    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


@pytest.mark.usefixtures("local")
def test_a_failure_half_way_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_kwargs: object) -> list[str]:
        raise RuntimeError("surveys broke")

    monkeypatch.setattr(demo, "demo_surveys", broken)

    with pytest.raises(RuntimeError, match="surveys broke"):
        run_demo()
    assert not User.objects.exists()
    assert not Merchant.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_readme_lists_the_printed_logins() -> None:
    text = README.read_text(encoding="utf-8")
    assert DEMO_PASSWORD in text
    assert DEMO_TOTP_SECRET in text
    for email in LOGINS:
        assert email in text


def test_the_printed_cardholder_login_works(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.LANGUAGE_CODE = "en"
    run_demo()

    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "cardholder@demo.kliento.fi", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_demo_refuses_to_run_outside_a_local_instance(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only for a local instance"):
        run_demo()
    assert not User.objects.exists()
