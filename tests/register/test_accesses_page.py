""" "Who has seen my data" at /profile/accesses/."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards import identifiers
from kliento.cards.services import card_issue_kliento, card_register
from kliento.register import services
from kliento.register.models import Subject
from kliento.sharing import services as sharing
from tests.conftest import MerchantWorld

pytestmark = pytest.mark.django_db

ACCESSES = "/profile/accesses/"


@pytest.fixture
def anna(cardholder: User) -> Subject:
    subject = services.subject_of(cardholder)
    me = Actor.person(cardholder)
    services.profile_value_set(subject=subject, item_key="first_name", value="Anna", actor=me)
    services.profile_value_set(subject=subject, item_key="phone", value="0401234567", actor=me)
    return subject


def staff_opens(staff_user: Any, subject: Subject, purpose: str) -> None:
    user = staff_user(StaffRole.CUSTOMER_SERVICE)
    TOTP.activate(user, pyotp.random_base32())
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("staff:person_open", args=[subject.public_id]),
        {"purpose": purpose, "ticket": "CS-9"},
    )
    assert response.status_code == 200


def checks_in_at_a_terminal(
    client: Client, merchant_a: MerchantWorld, cardholder: User, subject: Subject
) -> None:
    """Anna registers a Kliento card, shares her first name with merchant A, and the
    merchant's terminal checks her in (which reads what she shares)."""
    _card, number, code = card_issue_kliento(actor=Actor.system("tests"))
    card_register(
        subject=subject,
        card_number=identifiers.format_kliento_number(number),
        code=code,
        actor=Actor.person(cardholder),
    )
    sharing.grants_set(
        subject=subject, merchant=merchant_a.merchant, items=["first_name"],
        actor=Actor.person(cardholder),
    )  # fmt: skip
    response = client.post(
        "/api/v1/checkins", json.dumps({"card": number, "amount": 500}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {merchant_a.token}",
    )  # fmt: skip
    assert response.status_code == 201, response.content


def listed(response: Any) -> list[AuditEntry]:
    return [access.entry for access in response.context["accesses"]]


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    assert client.get(ACCESSES)["Location"].startswith(reverse("account_login"))


def test_staff_and_terminal_accesses_are_listed_newest_first_with_their_purpose(
    client: Client,
    cardholder: User,
    anna: Subject,
    staff_user: Any,
    merchant_a: MerchantWorld,
) -> None:
    checks_in_at_a_terminal(client, merchant_a, cardholder, anna)
    staff_opens(staff_user, anna, "Customer asked to fix her phone")
    client.force_login(cardholder)

    response = client.get(ACCESSES, headers={"accept-language": "en"})

    page = response.content.decode()
    entries = listed(response)
    assert response.status_code == 200
    assert [e.seq for e in entries] == sorted((e.seq for e in entries), reverse=True)
    assert entries[0].actor_kind == "staff"
    assert {"staff", "terminal"} <= {e.actor_kind for e in entries}
    assert "Customer asked to fix her phone" in page
    assert "CS-9" in page
    assert "Customer service" in page
    assert "Terminal at Kahvila Aalto, Kahvila Aalto Kamppi" in page
    assert "check-in" in page  # the purpose the terminal's read gave
    assert "Looked at your data" in page
    assert "First name" in page


def test_the_persons_own_reads_and_changes_are_not_listed(
    cardholder: User, cardholder_client: Client, anna: Subject
) -> None:
    cardholder_client.get("/profile/")
    services.profile_read(subject=anna, actor=Actor.person(cardholder), purpose="")

    response = cardholder_client.get(ACCESSES)

    own = str(cardholder.public_id)
    assert AuditEntry.objects.filter(actor_id=own, subject_id=anna.public_id).exists()
    assert all(e.actor_id != own for e in listed(response))


def test_another_persons_accesses_never_show(
    client: Client,
    cardholder: User,
    other_cardholder: User,
    anna: Subject,
    staff_user: Any,
) -> None:
    bertil = services.subject_of(other_cardholder)
    services.profile_value_set(
        subject=bertil, item_key="first_name", value="Bertil", actor=Actor.person(other_cardholder)
    )
    staff_opens(staff_user, bertil, "About Bertil only")
    client.force_login(cardholder)

    response = client.get(ACCESSES)

    assert "About Bertil only" not in response.content.decode()
    assert all(e.subject_id == anna.public_id for e in listed(response))


def test_filter_by_kind_of_actor_and_by_date(
    client: Client,
    cardholder: User,
    anna: Subject,
    staff_user: Any,
    merchant_a: MerchantWorld,
) -> None:
    checks_in_at_a_terminal(client, merchant_a, cardholder, anna)
    staff_opens(staff_user, anna, "Phone call")
    client.force_login(cardholder)

    staff_only = listed(client.get(ACCESSES, {"kind": "staff"}))
    terminal_only = listed(client.get(ACCESSES, {"kind": "terminal"}))
    today = timezone.localdate()
    from_today = listed(client.get(ACCESSES, {"since": today.isoformat()}))
    before = listed(client.get(ACCESSES, {"until": (today - dt.timedelta(days=1)).isoformat()}))

    assert staff_only
    assert {e.actor_kind for e in staff_only} == {"staff"}
    assert terminal_only
    assert {e.actor_kind for e in terminal_only} == {"terminal"}
    assert len(from_today) == len(listed(client.get(ACCESSES)))
    assert before == []


@pytest.mark.parametrize(
    "params",
    [{"kind": "person"}, {"kind": "wizard"}, {"since": "2026-13-01"},
     {"since": "2026-05-02", "until": "2026-05-01"}],
    ids=str,
)  # fmt: skip
def test_bad_filters_are_form_errors(
    cardholder_client: Client, anna: Subject, params: dict[str, str]
) -> None:
    response = cardholder_client.get(ACCESSES, params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["accesses"] == []


def test_the_page_is_linked_from_the_profile(cardholder_client: Client) -> None:
    assert f'href="{ACCESSES}"' in cardholder_client.get("/profile/").content.decode()


def test_the_page_has_a_fixed_number_of_queries(
    client: Client,
    cardholder: User,
    anna: Subject,
    merchant_a: MerchantWorld,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(3):
        checks_in_at_a_terminal_again(client, merchant_a, cardholder, anna)
    client.force_login(cardholder)
    client.get(ACCESSES)
    with django_assert_max_num_queries(10):
        client.get(ACCESSES)


def checks_in_at_a_terminal_again(
    client: Client, merchant_a: MerchantWorld, cardholder: User, subject: Subject
) -> None:
    merchant = merchant_a
    actor = Actor.terminal(
        str(merchant.terminal.public_id), merchant_id=str(merchant.merchant.public_id),
        premises_id=str(merchant.premises.public_id),
    )  # fmt: skip
    services.profile_read(subject=subject, actor=actor, purpose="check-in")


def test_merchant_staff_reads_and_staff_look_ups_are_listed(
    cardholder: User, cardholder_client: Client, anna: Subject, merchant_a: MerchantWorld,
    staff_user: Any,
) -> None:  # fmt: skip
    services.profile_read(
        subject=anna, actor=merchant_a.actor(merchant_a.cashier), purpose="customer lookup",
        items=["first_name"],
    )  # fmt: skip
    user = staff_user(StaffRole.CUSTOMER_SERVICE)
    TOTP.activate(user, pyotp.random_base32())
    staff = Client()
    staff.force_login(user)
    staff.post(reverse("staff:person_search"), {"kind": "phone", "value": "0401234567"})

    page = cardholder_client.get(ACCESSES, headers={"accept-language": "en"}).content.decode()

    assert "Kahvila Aalto: Cashier" in page
    assert "customer lookup" in page
    assert "Looked you up: Phone number" in page


def test_every_action_reads_as_words_never_as_a_raw_key(
    cardholder_client: Client, anna: Subject
) -> None:
    from kliento.audit.labels import action_label
    from kliento.audit.services import audit_record

    with transaction.atomic():
        for action in ("dsr.fee_decide", "retention.delete", "brand.new_thing"):
            audit_record(actor=Actor.system("retention"), action=action, subject_id=anna.public_id)

    page = cardholder_client.get(ACCESSES).content.decode()

    assert "Decided a fee for your request" in page
    assert "Deleted or anonymised old data" in page
    assert "Handled your data" in page
    for raw in ("dsr.fee_decide", "retention.delete", "brand.new_thing"):
        assert raw not in page
    assert str(action_label("profile.read")) == "Looked at your data"
