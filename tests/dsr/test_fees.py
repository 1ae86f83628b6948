"""Fees: only the privacy officer decides one, with a reason and an amount the person sees
and accepts before anything is charged; self-service export is never charged."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.dsr import services
from kliento.dsr.models import DataSubjectRequest, Fee, RequestStatus
from kliento.register.models import Subject
from tests.dsr.conftest import make_request, staff_client

pytestmark = pytest.mark.django_db


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def fee_link(message: Any) -> str:
    found = re.search(r"https://kliento\.test(/requests/fee/\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


def decide(request: DataSubjectRequest, actor: Actor, **overrides: Any) -> Fee:
    data = {
        "ground": "extra_copies", "amount_cents": 1500,
        "reason": "A third paper copy this month.", **overrides,
    }  # fmt: skip
    return services.fee_decide(request=request, actor=actor, site="https://kliento.test", **data)


def test_the_person_sees_the_fee_and_nothing_is_charged_before_accepting(
    anna: Subject, service_actor: Actor, officer_actor: Actor, client: Client
) -> None:
    request = make_request(service_actor, verified=True)
    fee = decide(request, officer_actor)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_FEE
    assert fee.state == Fee.State.PROPOSED
    message = mail.outbox[0]
    assert message.to == ["anna.virtanen@example.fi"]
    assert "15.00" in message.body
    assert "A third paper copy" in message.body
    # the request cannot be completed while the fee waits for her answer
    with pytest.raises(DomainError) as caught:
        services.request_close(
            request=request, status="completed", outcome="x", actor=service_actor
        )
    assert caught.value.code == ErrorCode.FEE_PENDING
    # she opens the page: reason and amount, nothing changes by looking
    path = fee_link(message)
    page = client.get(path)
    assert page.status_code == 200
    assert "15.00" in page.content.decode()
    assert "A third paper copy" in page.content.decode()
    fee.refresh_from_db()
    assert fee.state == Fee.State.PROPOSED
    # she accepts
    assert client.post(path, {"answer": "accept"}).status_code == 200
    fee.refresh_from_db()
    request.refresh_from_db()
    assert fee.state == Fee.State.ACCEPTED
    assert fee.answered_at is not None
    assert request.status == RequestStatus.VERIFIED
    # and cannot answer twice
    assert client.post(path, {"answer": "decline"}).status_code == 409


def test_declining_is_recorded(
    anna: Subject, service_actor: Actor, officer_actor: Actor, client: Client
) -> None:
    request = make_request(service_actor, verified=True)
    decide(request, officer_actor, ground="excessive")
    path = fee_link(mail.outbox[0])
    assert client.post(path, {"answer": "maybe"}).status_code == 422
    assert Fee.objects.get().state == Fee.State.PROPOSED
    client.post(path, {"answer": "decline"})
    assert Fee.objects.get().state == Fee.State.DECLINED
    assert "fee_declined" in request.events.values_list("action", flat=True)


@pytest.mark.parametrize("role", [r for r in StaffRole if r != StaffRole.PRIVACY_OFFICER])
def test_only_the_privacy_officer_decides_a_fee(
    anna: Subject, service_actor: Actor, staff_user: Any, role: StaffRole
) -> None:
    from tests.dsr.conftest import staff_member

    request = make_request(service_actor, verified=True)
    with pytest.raises(DomainError) as caught:
        decide(request, Actor.staff(staff_member(staff_user, role), role.value))
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not Fee.objects.exists()
    assert mail.outbox == []


def test_no_fee_before_the_person_confirmed_and_not_two_at_once(
    anna: Subject, service_actor: Actor, officer_actor: Actor
) -> None:
    request = make_request(service_actor)
    with pytest.raises(DomainError) as caught:
        decide(request, officer_actor)
    assert caught.value.code == ErrorCode.REQUEST_NOT_VERIFIED
    assert not Fee.objects.exists()
    verified = make_request(service_actor, verified=True)
    decide(verified, officer_actor)
    with pytest.raises(DomainError) as caught:
        decide(verified, officer_actor, amount_cents=500)
    assert caught.value.code == ErrorCode.FEE_PENDING
    assert Fee.objects.count() == 1


def test_a_person_cannot_decide_a_fee(
    anna: Subject, cardholder: User, service_actor: Actor
) -> None:
    request = make_request(service_actor)
    with pytest.raises(DomainError):
        decide(request, Actor.person(cardholder))
    assert not Fee.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount_cents": 0},
        {"amount_cents": -100},
        {"amount_cents": 100_01},
        {"reason": "   "},
        {"ground": "because"},
        {"ground": "extra_copies"},  # on an erasure request: no copies to make
    ],
)
def test_bad_fee_input_is_refused_and_nothing_saved(
    anna: Subject, service_actor: Actor, officer_actor: Actor, overrides: dict[str, Any]
) -> None:
    request = make_request(service_actor, "erasure", verified=True)
    with pytest.raises(DomainError) as caught:
        decide(request, officer_actor, **overrides)
    assert caught.value.code == ErrorCode.VALUE_INVALID
    assert not Fee.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.VERIFIED
    assert mail.outbox == []


def test_fee_page_form_errors_save_nothing(
    anna: Subject, staff_user: Any, service_actor: Actor
) -> None:
    request = make_request(service_actor, verified=True)
    client, _user = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    url = f"/staff/requests/{request.public_id}/fee/"
    response = client.post(url, {"ground": "excessive", "amount": "250", "reason": ""})
    assert response.status_code == 422
    assert not Fee.objects.exists()
    response = client.post(
        url, {"ground": "excessive", "amount": "12.50", "reason": "Weekly requests."}
    )
    assert response.status_code == 302
    assert Fee.objects.get().amount_cents == 1250


def test_customer_service_gets_403_for_a_fee_page_post(
    anna: Subject, staff_user: Any, service_actor: Actor
) -> None:
    request = make_request(service_actor, verified=True)
    client, _user = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    url = f"/staff/requests/{request.public_id}/fee/"
    response = client.post(url, {"ground": "excessive", "amount": "5", "reason": "Again."})
    assert response.status_code == 403
    assert not Fee.objects.exists()


def test_a_second_self_service_export_in_the_same_year_costs_nothing(
    cardholder_client: Client, cardholder: User, anna: Subject
) -> None:
    # given Anna exported her data in January
    with time_machine.travel(timezone.now().replace(month=1, day=10)):
        first = cardholder_client.get("/profile/export/kliento-export.json")
        assert first.status_code == 200
        json.loads(streamed(first))
    # when she exports again in the same year
    with time_machine.travel(timezone.now().replace(month=1, day=10) + timedelta(days=100)):
        second = cardholder_client.get("/profile/export/kliento-export.json")
        assert second.status_code == 200
        document = json.loads(streamed(second))
    # then she got the whole export, and no fee, no request and no payment step exist
    assert document
    assert not Fee.objects.exists()
    assert not DataSubjectRequest.objects.exists()
    assert mail.outbox == []
    assert services.self_service_export_fee(subject=anna) == 0


def test_the_export_contains_the_persons_requests(
    cardholder_client: Client, anna: Subject, service_actor: Actor
) -> None:
    make_request(service_actor, "campaigns")
    response = cardholder_client.get("/profile/export/kliento-export.json")
    text = streamed(response).decode()
    assert "privacy_requests" in text
    assert "Please send me everything you hold." in text
