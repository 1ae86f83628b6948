"""The person's export: every section with data, the schema version, streaming, no one
else's data, the API's authentication, the audit rule and the readable page."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.common.errors import DomainError
from kliento.privacy import services
from kliento.privacy.export import SCHEMA_VERSION, sections
from tests.conftest import make_user
from tests.privacy.conftest import LOGIN_EMAIL, UID, Person
from tests.register.test_at_rest import PROFILE

pytestmark = pytest.mark.django_db

# The apps whose sections were the register's own (before the privacy app): account,
# profile, cards, visits, loyalty, consents, sharing and accesses by others.
CORE_MODULES = {
    f"kliento.{app}.personal_data"
    for app in (
        "accounts",
        "merchants",
        "register",
        "cards",
        "visits",
        "consent",
        "sharing",
        "audit",
    )
}


def _body(response: Any) -> dict[str, Any]:
    assert isinstance(response, StreamingHttpResponse)
    document: dict[str, Any] = json.loads(response.getvalue())
    return document


def _download(client: Client) -> dict[str, Any]:
    response = client.get("/profile/export/kliento-export.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return _body(response)


def test_every_section_is_present_with_data(client: Client, person: Person) -> None:
    client.force_login(person.user)

    document = _download(client)

    assert document["schema_version"] == SCHEMA_VERSION == 1
    assert document["subject"] == str(person.subject.public_id)
    names = [section.name for section in sections()]
    assert list(document["sections"]) == names
    # The sections declared here all have data; other apps' sections (surveys,
    # disclosures, requests, ...) are filled by those apps' own tests.
    core = [s.name for s in sections() if s.rows.__module__ in CORE_MODULES and s.order < 120]
    assert len(core) == 11
    empty = [name for name in core if not document["sections"][name]["rows"]]
    assert empty == []
    for section in document["sections"].values():
        assert {"title", "about", "rows"} <= set(section)


def test_the_profile_values_are_decrypted_and_described(client: Client, person: Person) -> None:
    client.force_login(person.user)

    profile = _download(client)["sections"]["profile"]

    assert {row["item"] for row in profile["rows"]} == set(PROFILE)
    first = next(row for row in profile["rows"] if row["item"] == "first_name")
    assert first["value"] == "Qzsentfirst"
    about = {entry["item"]: entry for entry in profile["about"]}
    assert about["allergies"]["legal_basis"] == "explicit_consent"
    assert about["first_name"]["recipients"]  # shareable: the merchants chosen
    for entry in about.values():
        assert {"purposes", "legal_basis", "source", "recipients", "retention"} <= set(entry)


def test_cards_visits_loyalty_and_accesses(client: Client, person: Person) -> None:
    client.force_login(person.user)

    found = _download(client)["sections"]

    numbers = {row["number"] for row in found["cards"]["rows"]}
    assert numbers == {person.number, UID}
    assert all(row["masked"] for row in found["cards"]["rows"])
    assert len(found["visits"]["rows"]) == 4
    first_visit = dt.datetime.fromisoformat(found["visits"]["rows"][0]["at"])
    assert first_visit.utcoffset() == dt.timedelta(0)
    assert dt.datetime.fromisoformat(found["loyalty_ledger"]["rows"][0]["at"]).tzinfo
    assert {row["merchant"] for row in found["visits"]["rows"]} == {"Kahvila Aalto"}
    assert found["rewards"]["rows"][0]["reward"] == "Free lunch"
    assert found["loyalty_ledger"]["rows"]
    assert found["account"]["rows"][1]["login_email"] == LOGIN_EMAIL
    purposes = {row["purpose"] for row in found["accesses_by_others"]["rows"]}
    assert "Customer called about a lost card" in purposes
    accesses = found["accesses_by_others"]["rows"]
    assert all(row["what"] and row["what"] != row["action"] for row in accesses)
    assert {row["purpose"] for row in found["consents"]["rows"]} == {
        "health_data",
        "email_marketing",
    }
    assert found["consents"]["rows"][0]["receipt"]


def test_another_persons_data_is_never_included(
    client: Client, person: Person, other_person: Person
) -> None:
    client.force_login(person.user)

    text = json.dumps(_download(client))

    for sentinel in other_person.sentinels:
        assert sentinel not in text
    assert str(other_person.subject.public_id) not in text
    assert "Bistro Berg" in text  # the person's own cashier role there
    assert person.number in text


def test_the_download_streams(client: Client, person: Person) -> None:
    client.force_login(person.user)

    response = client.get("/profile/export/kliento-export.json")

    assert response.streaming
    assert response["Cache-Control"] == "no-store"


def test_the_persons_own_export_is_not_an_access_by_others(client: Client, person: Person) -> None:
    client.force_login(person.user)
    before = AuditEntry.objects.count()

    _download(client)
    _download(client)  # free and unlimited: a second one works just the same

    assert AuditEntry.objects.count() == before


def test_someone_else_reading_the_export_is_audited(person: Person) -> None:
    staff = Actor.staff(make_user("po@kliento.example"), "privacy_officer")

    with pytest.raises(DomainError):
        services.export_open(subject=person.subject, actor=staff)
    assert not AuditEntry.objects.filter(action="export.read").exists()

    text = "".join(
        services.export_open(subject=person.subject, actor=staff, purpose="Access request")
    )

    assert json.loads(text)["schema_version"] == 1
    entry = AuditEntry.objects.get(action="export.read")
    assert entry.subject_id == person.subject.public_id
    assert entry.purpose == "Access request"


def test_api_export_with_a_personal_token(client: Client, person: Person) -> None:
    response = client.get("/api/v1/me/export", HTTP_AUTHORIZATION=f"Bearer {person.token}")

    assert response.status_code == 200
    document = _body(response)
    assert document["subject"] == str(person.subject.public_id)
    assert document["sections"]["visits"]["rows"]


def test_api_export_with_the_session(client: Client, person: Person) -> None:
    client.force_login(person.user)

    response = client.get("/api/v1/me/export")

    assert response.status_code == 200
    assert _body(response)["schema_version"] == 1


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [("", 401, "not_authenticated"), ("Bearer kl_nope_nope", 401, "invalid_token")],
)
def test_api_export_refuses_without_valid_auth(
    client: Client, person: Person, header: str, status: int, code: str
) -> None:
    headers = {"Authorization": header} if header else {}

    response = client.get("/api/v1/me/export", headers=headers)

    assert response.status_code == status
    assert response.json()["code"] == code


def test_a_terminal_token_cannot_read_anyones_export(client: Client, person: Person) -> None:
    from kliento.merchants.models import Terminal

    terminal = Terminal.objects.first()
    assert terminal is not None
    response = client.get("/api/v1/me/export", HTTP_AUTHORIZATION=f"Bearer {terminal.token}")

    assert response.status_code == 401


def test_the_readable_page_lists_every_section(client: Client, person: Person) -> None:
    client.force_login(person.user)

    response = client.get("/profile/export/")

    assert response.status_code == 200
    html = response.content.decode()
    for section in sections():
        assert f'id="section-{section.name}"' in html
    assert "Qzsentfirst" in html
    assert "/profile/export/kliento-export.json" in html


def test_the_pages_need_a_signed_in_person(client: Client) -> None:
    for path in ("/profile/export/", "/profile/export/kliento-export.json", "/profile/cancel/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
