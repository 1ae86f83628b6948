"""The back-office under /staff/: find a person, open a profile with a reason, audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards import identifiers
from kliento.cards.services import card_issue_kliento
from kliento.consent import services as consent
from kliento.consent.models import ConsentEvent
from kliento.register import services
from kliento.register.models import Subject

pytestmark = pytest.mark.django_db

SEARCH = "/staff/people/"
AUDIT = "/staff/audit/"
PROFILE_ROLES = [StaffRole.CUSTOMER_SERVICE, StaffRole.PRIVACY_OFFICER]
OTHER_ROLES = [r for r in StaffRole if r not in PROFILE_ROLES]


def staff_client(staff_user: Any, role: StaffRole) -> tuple[Client, User]:
    user = staff_user(role)
    TOTP.activate(user, pyotp.random_base32())
    client = Client()
    client.force_login(user)
    return client, user


def open_url(subject: Subject) -> str:
    return reverse("staff:person_open", args=[subject.public_id])


@pytest.fixture
def anna(cardholder: User) -> Subject:
    """Anna, with contact details, a birth date and allergies (with health consent)."""
    subject = services.subject_of(cardholder)
    me = Actor.person(cardholder)
    for key, value in (
        ("first_name", "Anna"),
        ("email", "anna.work@example.fi"),
        ("phone", "040 123 4567"),
        ("date_of_birth", "1985-03-14"),
    ):
        services.profile_value_set(subject=subject, item_key=key, value=value, actor=me)
    consent.consent_give(
        subject=subject, purpose_key="health_data", language="en",
        channel=ConsentEvent.Channel.WEB, actor=me,
    )  # fmt: skip
    services.profile_value_set(subject=subject, item_key="allergies", value="Peanuts", actor=me)
    return subject


def reads() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="profile.read").order_by("seq"))


# --- who may use which page ------------------------------------------------------------


@pytest.mark.parametrize("role", OTHER_ROLES, ids=lambda r: r.value)
def test_roles_without_profile_access_cannot_search_or_open(
    staff_user: Any, anna: Subject, role: StaffRole
) -> None:
    client, _ = staff_client(staff_user, role)

    assert client.get(SEARCH).status_code == 403
    assert client.post(SEARCH, {"kind": "phone", "value": "0401234567"}).status_code == 403
    assert client.get(open_url(anna)).status_code == 403
    assert client.post(open_url(anna), {"purpose": "curious"}).status_code == 403
    assert reads() == []


@pytest.mark.parametrize(
    "role", [StaffRole.CUSTOMER_SERVICE, StaffRole.MARKETING, StaffRole.ADMINISTRATOR]
)
def test_only_the_auditor_and_the_privacy_officer_read_the_audit_log(
    staff_user: Any, role: StaffRole
) -> None:
    client, _ = staff_client(staff_user, role)
    assert client.get(AUDIT).status_code == 403


@pytest.mark.parametrize("role", [StaffRole.AUDITOR, StaffRole.PRIVACY_OFFICER])
def test_the_auditor_and_privacy_officer_open_the_audit_log(
    staff_user: Any, role: StaffRole
) -> None:
    client, _ = staff_client(staff_user, role)
    assert client.get(AUDIT).status_code == 200


@pytest.mark.parametrize("path", [SEARCH, AUDIT])
def test_a_cardholder_is_refused_and_anonymous_is_sent_to_log_in(
    client: Client, cardholder: User, path: str
) -> None:
    assert client.get(path)["Location"].startswith(reverse("account_login"))
    client.force_login(cardholder)
    assert client.get(path).status_code == 404


def test_staff_without_mfa_is_sent_to_set_it_up(staff_user: Any, anna: Subject) -> None:
    client = Client()
    client.force_login(staff_user(StaffRole.PRIVACY_OFFICER))
    for path in (SEARCH, AUDIT, open_url(anna)):
        assert client.get(path)["Location"] == reverse("mfa_activate_totp")
    assert client.post(open_url(anna), {"purpose": "x"}).status_code == 302
    assert reads() == []


def test_the_staff_home_links_to_the_pages_of_the_role(staff_user: Any) -> None:
    client, _ = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    page = client.get("/staff/").content.decode()
    assert f'href="{SEARCH}"' in page
    assert f'href="{AUDIT}"' not in page


# --- search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", "anna.work@example.fi"),
        ("email", "ANNA.WORK@example.fi"),
        ("email", "anna.virtanen@example.fi"),  # the login e-mail
        ("phone", "+358 40 123 4567"),
        ("phone", "0401234567"),
    ],
)
def test_search_finds_a_person_by_an_exact_value(
    staff_user: Any, anna: Subject, kind: str, value: str
) -> None:
    client, _ = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)

    response = client.post(SEARCH, {"kind": kind, "value": value})

    assert response.status_code == 200
    assert response.context["found"] == [anna]
    assert open_url(anna) in response.content.decode()
    # finding someone shows nothing of their data and is not an opening
    page = response.content.decode()
    assert ">Anna<" not in page
    assert "+358 40 1234567" not in page
    assert reads() == []


def test_search_by_card_number(staff_user: Any, anna: Subject) -> None:
    _card, number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=anna)
    client, _ = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)

    response = client.post(
        SEARCH, {"kind": "card", "value": identifiers.format_kliento_number(number)}
    )

    assert response.context["found"] == [anna]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", "anna.work@example"),
        ("email", "anna.work"),
        ("phone", "+358 40 123 456"),
        ("card", "9246 0000 0000 0002"),  # well formed, no such card
    ],
)
def test_a_part_of_a_value_or_an_unknown_value_finds_no_one(
    staff_user: Any, anna: Subject, kind: str, value: str
) -> None:
    client, _ = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    response = client.post(SEARCH, {"kind": kind, "value": value})
    assert response.status_code == 200
    assert not response.context["found"]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("phone", "call me"),
        ("email", "not an address"),
        ("card", "9246 0000 0000 0001"),  # wrong check digit
        ("card", "hello"),
        ("nickname", "anna"),
        ("email", ""),
    ],
)
def test_bad_search_input_is_a_form_error(
    staff_user: Any, anna: Subject, kind: str, value: str
) -> None:
    client, _ = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    response = client.post(SEARCH, {"kind": kind, "value": value})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["found"] is None
    assert 'class="errorlist' in response.content.decode()


# --- opening a profile -----------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [{}, {"purpose": "   ", "ticket": ""}, {"purpose": "x" * 201}], ids=str
)
def test_opening_without_a_reason_is_a_form_error_and_records_nothing(
    staff_user: Any, anna: Subject, data: dict[str, str]
) -> None:
    client, _ = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)

    response = client.post(open_url(anna), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert "040" not in response.content.decode()
    assert reads() == []


def test_the_reason_form_is_shown_first(staff_user: Any, anna: Subject) -> None:
    client, _ = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    page = client.get(open_url(anna)).content.decode()
    assert 'name="purpose"' in page
    assert "anna.work@example.fi" not in page
    assert reads() == []


def test_customer_service_sees_contact_data_but_not_allergies_and_the_opening_is_audited(
    staff_user: Any, anna: Subject
) -> None:
    client, user = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)

    response = client.post(
        open_url(anna), {"purpose": "Customer called about her address", "ticket": "CS-1042"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "anna.work@example.fi" in page
    assert "+358 40 1234567" in page
    assert "anna.virtanen@example.fi" in page  # the login e-mail
    assert "Peanuts" not in page
    assert "Allergies" not in page
    assert f'href="/staff/people/{anna.public_id}/consents/"' in page
    assert "14.3.1985" not in page
    assert "1985" not in page
    [entry] = reads()
    assert (entry.actor_kind, entry.actor_id, entry.actor_role) == (
        "staff", str(user.public_id), "customer_service",
    )  # fmt: skip
    assert entry.subject_id == anna.public_id
    assert entry.purpose == "Customer called about her address"
    assert entry.ticket == "CS-1042"
    assert "allergies" not in entry.items
    assert {"email", "phone", "login_email", "card_identifiers"} <= set(entry.items)


def test_the_privacy_officer_sees_allergies_and_each_view_is_recorded(
    staff_user: Any, anna: Subject
) -> None:
    client, _ = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)

    first = client.post(open_url(anna), {"purpose": "Access request DSR-7"})
    second = client.post(open_url(anna), {"purpose": "Access request DSR-7"})

    assert "Peanuts" in first.content.decode()
    assert "Peanuts" in second.content.decode()
    entries = reads()
    assert len(entries) == 2
    assert all("allergies" in e.items and e.actor_role == "privacy_officer" for e in entries)


def test_a_ticket_number_alone_is_a_reason(staff_user: Any, anna: Subject) -> None:
    client, _ = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    response = client.post(open_url(anna), {"ticket": "CS-7"})
    assert response.status_code == 200
    [entry] = reads()
    assert (entry.purpose, entry.ticket) == ("ticket CS-7", "CS-7")


def test_an_unknown_or_erased_person_is_not_found(staff_user: Any, anna: Subject) -> None:
    client, _ = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    assert client.post("/staff/people/00000000-0000-0000-0000-000000000000/", {
        "purpose": "x"
    }).status_code == 404  # fmt: skip
    Subject.objects.filter(pk=anna.pk).update(erased_at=timezone.now())
    assert client.post(open_url(anna), {"purpose": "x"}).status_code == 404
    assert reads() == []


# --- the audit log page ----------------------------------------------------------------


def test_the_audit_log_lists_entries_newest_first_and_pages_them(
    staff_user: Any, anna: Subject
) -> None:
    client, _ = staff_client(staff_user, StaffRole.AUDITOR)
    reader = Actor.system("export")
    for _ in range(60):
        services.profile_read(subject=anna, actor=reader, purpose="nightly export")
    total = AuditEntry.objects.count()

    first = client.get(AUDIT)
    second = client.get(AUDIT, {"page": 2})

    seqs = [entry.seq for entry, *_ in first.context["rows"]]
    assert len(seqs) == 50
    assert seqs == sorted(seqs, reverse=True)
    assert seqs[0] == AuditEntry.objects.order_by("-seq").first().seq  # type: ignore[union-attr]
    assert len(second.context["rows"]) == total - 50
    assert first.context["page"].paginator.count == total


def test_the_audit_log_filters_by_subject_actor_and_date(
    staff_user: Any, anna: Subject, other_cardholder: User
) -> None:
    client, user = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    client.post(open_url(anna), {"purpose": "DSR-1"})
    services.subject_of(other_cardholder)

    def seqs(**params: str) -> set[int]:
        response = client.get(AUDIT, params)
        assert response.status_code == 200
        return {entry.seq for entry, *_ in response.context["rows"]}

    assert seqs(subject=str(anna.public_id)) == set(
        AuditEntry.objects.filter(subject_id=anna.public_id).values_list("seq", flat=True)
    )
    assert seqs(actor_kind="staff") == set(
        AuditEntry.objects.filter(actor_kind="staff").values_list("seq", flat=True)
    )
    assert len(seqs(actor=str(user.public_id))) == 1
    today = timezone.localdate()
    assert seqs(since=today.isoformat()) == set(AuditEntry.objects.values_list("seq", flat=True))
    assert seqs(until=(today - dt.timedelta(days=1)).isoformat()) == set()


@pytest.mark.parametrize(
    "params",
    [{"subject": "not-a-uuid"}, {"since": "2026-02-30"}, {"actor_kind": "wizard"},
     {"since": "2026-05-02", "until": "2026-05-01"}],
    ids=str,
)  # fmt: skip
def test_bad_audit_filters_are_form_errors(
    staff_user: Any, anna: Subject, params: dict[str, str]
) -> None:
    client, _ = staff_client(staff_user, StaffRole.AUDITOR)
    response = client.get(AUDIT, params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["rows"] == []


def test_the_audit_log_page_has_a_fixed_number_of_queries(
    staff_user: Any, anna: Subject, django_assert_max_num_queries: Any
) -> None:
    client, _ = staff_client(staff_user, StaffRole.AUDITOR)
    client.get(AUDIT)  # warm the session and the MFA check
    with django_assert_max_num_queries(8):
        client.get(AUDIT)


def test_each_look_up_is_recorded_for_the_person_found_only(
    staff_user: Any, anna: Subject, other_cardholder: User
) -> None:
    client, user = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)

    client.post(SEARCH, {"kind": "phone", "value": "0401234567"})
    client.post(SEARCH, {"kind": "phone", "value": "0409999999"})  # no one

    [entry] = AuditEntry.objects.filter(action="profile.search")
    assert (entry.subject_id, entry.actor_id, entry.items) == (
        anna.public_id, str(user.public_id), ["phone"],
    )  # fmt: skip


def test_an_erased_person_is_not_found(staff_user: Any, anna: Subject) -> None:
    Subject.objects.filter(pk=anna.pk).update(erased_at=timezone.now())
    client, _ = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    response = client.post(SEARCH, {"kind": "phone", "value": "0401234567"})
    assert response.context["found"] == []


def test_opening_a_profile_has_a_fixed_number_of_queries(
    staff_user: Any, anna: Subject, django_assert_max_num_queries: Any
) -> None:
    client, _ = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    client.get(open_url(anna))
    # 24: the view also shows cards, visits, loyalty, consents and open requests
    # (tests/backoffice/test_person_view.py pins it with history).
    with django_assert_max_num_queries(24):
        response = client.post(open_url(anna), {"purpose": "DSR-2"})
    assert response.status_code == 200
