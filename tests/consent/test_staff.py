"""Back-office: the state at a past moment for a complaint, and choices recorded on the
person's behalf, both only with a reason and only for customer service and the
privacy officer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyotp
import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.consent import services
from kliento.consent.models import ConsentEvent
from kliento.register.models import Subject

ALLOWED = [StaffRole.CUSTOMER_SERVICE, StaffRole.PRIVACY_OFFICER]
REFUSED = [r for r in StaffRole if r not in ALLOWED]


def staff_client(staff_user: Any, role: StaffRole) -> Client:
    user = staff_user(role)
    TOTP.activate(user, pyotp.random_base32())
    client = Client()
    client.force_login(user)
    return client


def url(subject: Subject) -> str:
    return f"/staff/people/{subject.public_id}/consents/"


@pytest.fixture
def history(subject: Subject, me: Actor) -> Subject:
    """E-mail marketing given on 1 March, withdrawn on 5 March."""
    for moment, change in (
        (datetime(2026, 3, 1, 9, tzinfo=UTC), services.consent_give),
        (datetime(2026, 3, 5, 9, tzinfo=UTC), services.consent_withdraw),
    ):
        with time_machine.travel(moment, tick=False):
            change(
                subject=subject,
                purpose_key="email_marketing",
                language="fi",
                channel="web",
                actor=me,
            )
    return subject


@pytest.mark.parametrize("role", ALLOWED)
def test_staff_see_the_state_at_a_past_moment_and_it_is_audited(
    staff_user: Any, history: Subject, role: StaffRole
) -> None:
    client = staff_client(staff_user, role)
    assert client.get(url(history)).status_code == 200

    response = client.post(
        url(history),
        {"read": "1", "read-reason": "Complaint 17: got e-mail", "read-at": "2026-03-03T12:00"},
    )

    assert response.status_code == 200
    (email,) = [s for s in response.context["states"] if s.purpose.key == "email_marketing"]
    assert email.active
    assert "Complaint 17" in AuditEntry.objects.get(action="consent.history_read").purpose
    later = client.post(
        url(history), {"read": "1", "read-reason": "Complaint 17", "read-at": "2026-03-06T12:00"}
    )
    (email,) = [s for s in later.context["states"] if s.purpose.key == "email_marketing"]
    assert not email.active


def test_reading_without_a_reason_shows_nothing_and_records_nothing(
    staff_user: Any, history: Subject
) -> None:
    client = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)

    response = client.post(url(history), {"read": "1", "read-reason": ""})

    assert "states" not in response.context
    assert response.context["read_form"].errors["reason"]
    assert not AuditEntry.objects.filter(action="consent.history_read").exists()


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused(staff_user: Any, history: Subject, role: StaffRole) -> None:
    client = staff_client(staff_user, role)

    assert client.get(url(history)).status_code == 403
    response = client.post(
        url(history),
        {
            "change": "1",
            "change-purpose": "surveys",
            "change-action": "give",
            "change-reason": "x",
        },
    )
    assert response.status_code == 403
    assert ConsentEvent.objects.filter(channel="staff").count() == 0


def test_a_cardholder_cannot_open_the_staff_page(
    cardholder_client: Client, history: Subject
) -> None:
    assert cardholder_client.get(url(history)).status_code == 404


def test_staff_record_a_choice_on_the_persons_behalf_only_with_a_reason(
    staff_user: Any, subject: Subject
) -> None:
    client = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    choice = {"change": "1", "change-purpose": "surveys", "change-action": "give"}

    refused = client.post(url(subject), {**choice, "change-reason": "  "})
    assert refused.context["change_form"].errors
    assert ConsentEvent.objects.count() == 0

    client.post(url(subject), {**choice, "change-reason": "Phone call, ticket 4711"})

    event = ConsentEvent.objects.get()
    assert (event.purpose, event.action, event.channel) == ("surveys", "given", "staff")
    assert event.reason == "Phone call, ticket 4711"


def test_an_erased_or_unknown_person_is_not_found(staff_user: Any, cardholder: User) -> None:
    client = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    assert (
        client.get("/staff/people/00000000-0000-0000-0000-000000000000/consents/").status_code
        == 404
    )
