"""The privacy officer records a disclosure made by hand (e.g. to an authority) on the
person's disclosures page: the rules, every kind of bad input, the roles, and what the
person sees afterwards (Activity and export)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils.translation import override

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import ActorKind, AuditEntry
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.personal_data import sections
from kliento.disclosures.models import Disclosure, OutboxMessage, Recipient
from kliento.disclosures.services import disclosure_record_manual
from kliento.register.models import Subject
from kliento.register.services import subject_of
from kliento.sharing.activity import Filters, Kind, timeline
from tests.conftest import MerchantWorld
from tests.disclosures.conftest import make_recipient, staff_client

pytestmark = pytest.mark.django_db
URL = "https://hooks.example.com/authority"
NOTE = "Police request 2026/1234, case of a lost wallet"


@pytest.fixture
def admin() -> Actor:
    return Actor(ActorKind.STAFF, str(uuid.uuid4()), StaffRole.ADMINISTRATOR.value)


@pytest.fixture
def person(cardholder: User) -> Subject:
    return subject_of(cardholder)


@pytest.fixture
def authority(admin: Actor) -> Recipient:
    return make_recipient(
        admin, Recipient.Kind.AUTHORITY, URL, name="Helsinki Police",
        items=["first_name", "last_name", "phone"], purposes=["legal_obligation"],
    )[0]  # fmt: skip


@pytest.fixture
def officer(staff_user: Any) -> Client:
    return staff_client(staff_user, StaffRole.PRIVACY_OFFICER)


def _page(subject: Subject) -> str:
    return f"/staff/people/{subject.public_id}/disclosures/"


def _post_url(subject: Subject) -> str:
    return f"/staff/people/{subject.public_id}/disclosures/record/"


def _valid(to: Recipient, **change: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "recipient": str(to.public_id), "items": ["first_name", "last_name"],
        "legal_basis": "legal_obligation", "purpose": "legal_obligation", "note": NOTE,
    }  # fmt: skip
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def _nothing_recorded() -> None:
    assert not Disclosure.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not AuditEntry.objects.filter(action="disclosure.record").exists()


def test_the_privacy_officer_sees_the_form(officer: Client, person: Subject) -> None:
    page = officer.get(_page(person)).content.decode()

    assert "Record a disclosure made by hand" in page
    assert f'action="{_post_url(person)}"' in page
    assert '<label for="id_note"' in page


def test_customer_service_sees_the_list_without_the_form(staff_user: Any, person: Subject) -> None:
    client = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)

    response = client.get(_page(person))

    assert response.status_code == 200
    assert "Record a disclosure made by hand" not in response.content.decode()


def test_a_manual_disclosure_is_recorded_and_shown_to_the_person(
    officer: Client, person: Subject, authority: Recipient, cardholder: User
) -> None:
    response = officer.post(_post_url(person), _valid(authority))

    assert response.status_code == 302
    assert response["Location"] == _page(person)
    rows = Disclosure.objects.filter(subject=person).order_by("item")
    fields = [(r.recipient, r.item, r.legal_basis, r.purpose, r.note, r.actor_kind) for r in rows]
    assert fields == [
        (authority, "first_name", "legal_obligation", "legal_obligation", NOTE, "staff"),
        (authority, "last_name", "legal_obligation", "legal_obligation", NOTE, "staff"),
    ]  # fmt: skip
    assert OutboxMessage.objects.get().event == "disclosure"
    entry = AuditEntry.objects.get(action="disclosure.record")
    assert (entry.subject_id, entry.actor_role) == (person.public_id, "privacy_officer")
    page = officer.get(_page(person)).content.decode()
    assert "The disclosure has been recorded." in page
    assert NOTE in page
    with override("en"):
        events = timeline(subject=person, filters=Filters(kinds=frozenset({Kind.DISCLOSURE})))
    assert "Your data was given to Helsinki Police" in [e.title for e in events]
    section = next(s for s in sections() if s.name == "disclosures")
    exported = list(section.rows(person))
    assert {(r["recipient"], r["item"], r["note"]) for r in exported} == {
        ("Helsinki Police", "first_name", NOTE), ("Helsinki Police", "last_name", NOTE),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"legal_basis": None}, "legal_basis", id="no-legal-basis"),
        pytest.param({"purpose": None}, "purpose", id="no-purpose"),
        pytest.param({"note": "   "}, "note", id="blank-note"),
        pytest.param({"items": None}, "items", id="no-items"),
        pytest.param({"items": ["first_name", "shoe_size_xl"]}, "items", id="unknown-item"),
        pytest.param({"legal_basis": "whim"}, "legal_basis", id="unknown-basis"),
        pytest.param({"recipient": str(uuid.uuid4())}, "recipient", id="unknown-recipient"),
        pytest.param({"note": "x" * 501}, "note", id="note-too-long"),
        # Refused by the service, shown next to the field it names:
        pytest.param({"items": ["email"]}, "items", id="item-not-declared"),
        pytest.param({"purpose": "direct_marketing"}, "purpose", id="purpose-not-declared"),
        pytest.param({"legal_basis": "contract"}, "legal_basis", id="authority-not-by-contract"),
    ],
)
def test_bad_input_is_a_form_error_and_records_nothing(
    officer: Client, person: Subject, authority: Recipient, change: dict[str, Any], field: str
) -> None:
    response = officer.post(_post_url(person), _valid(authority, **change))

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert 'class="errorlist' in response.content.decode()
    _nothing_recorded()


def test_form_errors_are_in_the_users_language(
    officer: Client, person: Subject, authority: Recipient
) -> None:
    response = officer.post(
        _post_url(person), _valid(authority, note=""), HTTP_ACCEPT_LANGUAGE="fi"
    )

    page = response.content.decode()
    assert "Tämä kenttä on pakollinen." in page
    assert "Kirjaa käsin tehty luovutus" in page
    _nothing_recorded()


def test_an_authority_refuses_any_basis_but_legal_obligation(
    person: Subject, authority: Recipient, staff_user: Any
) -> None:
    officer = staff_user(StaffRole.PRIVACY_OFFICER)

    with pytest.raises(DomainError) as caught:
        disclosure_record_manual(
            subject=person, recipient=authority, items=["first_name"], legal_basis="consent",
            purpose="legal_obligation", note=NOTE,
            actor=Actor.staff(officer, StaffRole.PRIVACY_OFFICER.value),
        )  # fmt: skip

    assert caught.value.code == ErrorCode.BASIS_NOT_ALLOWED
    assert caught.value.status == 422
    assert caught.value.details == {"field": "legal_basis"}
    _nothing_recorded()


@pytest.mark.parametrize(
    ("role", "note", "code"),
    [
        (StaffRole.CUSTOMER_SERVICE, NOTE, ErrorCode.PERMISSION_DENIED),
        (StaffRole.ADMINISTRATOR, NOTE, ErrorCode.PERMISSION_DENIED),
        (StaffRole.PRIVACY_OFFICER, "  ", ErrorCode.REASON_REQUIRED),
    ],
    ids=["customer-service", "administrator", "no-note"],
)
def test_the_service_refuses_others_and_a_missing_note(  # noqa: PLR0917 (fixtures)
    person: Subject, authority: Recipient, staff_user: Any, role: StaffRole, note: str,
    code: ErrorCode,
) -> None:  # fmt: skip
    user = staff_user(role)

    with pytest.raises(DomainError) as caught:
        disclosure_record_manual(
            subject=person, recipient=authority, items=["first_name"],
            legal_basis="legal_obligation", purpose="legal_obligation", note=note,
            actor=Actor.staff(user, role.value),
        )  # fmt: skip

    assert caught.value.code == code
    _nothing_recorded()


@pytest.mark.parametrize(
    "role", [StaffRole.CUSTOMER_SERVICE, StaffRole.MARKETING, StaffRole.ADMINISTRATOR,
             StaffRole.AUDITOR], ids=lambda r: r.value,
)  # fmt: skip
def test_other_staff_roles_get_403(
    staff_user: Any, person: Subject, authority: Recipient, role: StaffRole
) -> None:
    client = staff_client(staff_user, role)

    assert client.post(_post_url(person), _valid(authority)).status_code == 403
    _nothing_recorded()


def test_members_and_merchant_staff_get_404(
    cardholder: User, merchant_a: MerchantWorld, person: Subject, authority: Recipient
) -> None:
    # The staff guard answers 404 to any signed-in non-staff user, as on every staff page.
    for user in (cardholder, merchant_a.owner, merchant_a.cashier):
        client = Client()
        client.force_login(user)
        assert client.post(_post_url(person), _valid(authority)).status_code == 404
        assert client.get(_page(person)).status_code == 404
    _nothing_recorded()


def test_anonymous_goes_to_the_login_page(person: Subject, authority: Recipient) -> None:
    response = Client().post(_post_url(person), _valid(authority))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    _nothing_recorded()


def test_an_unknown_or_erased_person_is_404(
    officer: Client, person: Subject, authority: Recipient
) -> None:
    missing = f"/staff/people/{uuid.uuid4()}/disclosures/record/"
    assert officer.post(missing, _valid(authority)).status_code == 404
    Subject.objects.filter(pk=person.pk).update(erased_at="2026-12-01T00:00:00Z")
    assert officer.post(_post_url(person), _valid(authority)).status_code == 404
    _nothing_recorded()


def test_get_is_not_allowed_on_the_record_address(officer: Client, person: Subject) -> None:
    assert officer.get(_post_url(person)).status_code == 405


def test_the_page_lists_nothing_for_a_person_without_disclosures(
    officer: Client, person: Subject
) -> None:
    assert "Nothing has been disclosed." in officer.get(_page(person)).content.decode()


def test_cancelling_the_account_blanks_the_note_and_keeps_the_proof(
    officer: Client, person: Subject, authority: Recipient, cardholder: User
) -> None:
    from kliento.privacy.services import account_cancel

    officer.post(_post_url(person), _valid(authority))

    account_cancel(subject=person, actor=Actor.person(cardholder))

    rows = Disclosure.objects.filter(subject=person)
    assert rows.count() == 2  # the proof of what was given to whom stays
    assert set(rows.values_list("note", flat=True)) == {""}  # the free text goes
