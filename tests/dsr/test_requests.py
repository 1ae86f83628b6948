"""Registering, verifying, extending and closing requests: services and staff pages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.common.errors import DomainError, ErrorCode
from kliento.dsr import services
from kliento.dsr.models import (
    AppendOnlyError,
    DataSubjectRequest,
    RequestEvent,
    RequestKind,
    RequestStatus,
)
from kliento.register.models import Subject
from tests.dsr.conftest import make_request, staff_client

pytestmark = pytest.mark.django_db

LIST = "/staff/requests/"
NEW = "/staff/requests/new/"
HANDLERS = [StaffRole.CUSTOMER_SERVICE, StaffRole.PRIVACY_OFFICER]
OTHERS = [r for r in StaffRole if r not in HANDLERS]


def link_in(message: Any) -> str:
    found = re.search(r"https://kliento\.test(/\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


@pytest.mark.parametrize("kind", RequestKind.values)
def test_every_kind_is_registered_with_a_month_to_answer_and_a_link(
    anna: Subject, service_actor: Actor, kind: str
) -> None:
    # given a request that came in by phone
    now = timezone.now()
    request = services.request_create(
        login_email="ANNA.virtanen@example.fi", kind=kind, channel="phone", details="",
        actor=service_actor, site="https://kliento.test",
    )  # fmt: skip
    # then it is Anna's, due in a month, waiting for her confirmation
    assert request.subject == anna
    assert request.status == RequestStatus.AWAITING_VERIFICATION
    assert timedelta(days=28) <= request.due_at - now <= timedelta(days=31, seconds=5)
    assert request.due_at == services.add_months(request.received_at, 1)
    assert list(request.events.values_list("action", flat=True)) == ["received"]
    # and the link went to her registered login e-mail address only
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna.virtanen@example.fi"]
    assert "/requests/verify/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(
        action="dsr.request_create", subject_id=anna.public_id
    ).exists()


def test_opening_the_link_shows_and_only_the_button_verifies(
    anna: Subject, service_actor: Actor, client: Any
) -> None:
    request = services.request_create(
        login_email="anna.virtanen@example.fi", kind="erasure", channel="letter", details="",
        actor=service_actor, site="https://kliento.test",
    )  # fmt: skip
    path = link_in(mail.outbox[0])
    # a mail scanner following the link verifies nothing
    assert client.get(path).status_code == 200
    request.refresh_from_db()
    assert request.verified_at is None
    # the person presses the button
    response = client.post(path)
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == RequestStatus.VERIFIED
    assert request.verified_at is not None
    assert list(request.events.values_list("action", flat=True)) == ["received", "verified"]


@pytest.mark.parametrize("token", ["garbage", "x" * 40 + ":abc:def"])
def test_a_forged_link_is_refused(anna: Subject, client: Any, token: str) -> None:
    response = client.post(reverse("dsr:verify", args=[token]))
    assert response.status_code == 422
    assert not DataSubjectRequest.objects.filter(verified_at__isnull=False).exists()


def test_an_expired_link_is_refused(anna: Subject, service_actor: Actor, client: Any) -> None:
    request = make_request(service_actor)
    services.request_verification_resend(
        request=request, actor=service_actor, site="https://kliento.test"
    )
    path = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert client.post(path).status_code == 422
    request.refresh_from_db()
    assert request.verified_at is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("login_email", "nobody@example.fi"),
        ("kind", "telepathy"),
        ("channel", "pigeon"),
        ("details", "x" * 2001),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    anna: Subject, service_actor: Actor, field: str, value: str
) -> None:
    data = {
        "login_email": "anna.virtanen@example.fi", "kind": "access", "channel": "email",
        "details": "", field: value,
    }  # fmt: skip
    with pytest.raises(DomainError) as caught:
        services.request_create(**data, actor=service_actor)
    assert caught.value.code == ErrorCode.VALUE_INVALID
    assert not DataSubjectRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_may_not_register(anna: Subject, staff_user: Any, role: StaffRole) -> None:
    with pytest.raises(DomainError) as caught:
        services.request_create(
            login_email="anna.virtanen@example.fi", kind="access", channel="email", details="",
            actor=Actor.staff(staff_user(role), role.value),
        )  # fmt: skip
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not DataSubjectRequest.objects.exists()


def test_a_person_may_not_register_for_anyone(anna: Subject, cardholder: User) -> None:
    with pytest.raises(DomainError):
        services.request_create(
            login_email="anna.virtanen@example.fi", kind="access", channel="web", details="",
            actor=Actor.person(cardholder),
        )  # fmt: skip


def test_extension_once_by_at_most_two_months_with_reason_and_notice(
    anna: Subject, service_actor: Actor
) -> None:
    request = make_request(service_actor)
    due = request.due_at
    for months, reason in ((3, "Complex"), (0, "Complex"), (2, "   ")):
        with pytest.raises(DomainError) as caught:
            services.request_extend(
                request=request, months=months, reason=reason, actor=service_actor
            )
        assert caught.value.code == ErrorCode.VALUE_INVALID
    request.refresh_from_db()
    assert request.due_at == due
    assert request.extended_at is None
    assert mail.outbox == []
    # a real extension moves the due date and tells Anna why
    services.request_extend(
        request=request, months=2, reason="Many years of history to collect.", actor=service_actor
    )
    request.refresh_from_db()
    assert request.due_at == services.add_months(due, 2)
    assert request.extension_reason == "Many years of history to collect."
    assert len(mail.outbox) == 1
    assert "Many years of history" in mail.outbox[0].body
    # only once
    with pytest.raises(DomainError) as caught:
        services.request_extend(request=request, months=1, reason="Again", actor=service_actor)
    assert caught.value.code == ErrorCode.REQUEST_ALREADY_EXTENDED


def test_closing_needs_verification_and_sends_the_outcome(
    anna: Subject, service_actor: Actor
) -> None:
    request = make_request(service_actor)
    with pytest.raises(DomainError) as caught:
        services.request_close(
            request=request, status="completed", outcome="Here it is.", actor=service_actor
        )
    assert caught.value.code == ErrorCode.REQUEST_NOT_VERIFIED
    with pytest.raises(DomainError):
        services.request_close(
            request=request, status="completed", outcome=" ", actor=service_actor
        )
    with pytest.raises(DomainError):
        services.request_close(request=request, status="lost", outcome="x", actor=service_actor)
    request.refresh_from_db()
    assert request.closed_at is None
    assert mail.outbox == []
    # a request that was never confirmed can be refused, with the reason sent
    services.request_close(
        request=request, status="refused", outcome="We could not confirm it was you.",
        actor=service_actor,
    )  # fmt: skip
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.is_closed
    assert "could not confirm" in mail.outbox[0].body
    assert mail.outbox[0].to == ["anna.virtanen@example.fi"]
    with pytest.raises(DomainError) as caught:
        services.request_extend(request=request, months=1, reason="Late", actor=service_actor)
    assert caught.value.code == ErrorCode.REQUEST_ALREADY_CLOSED


def test_a_verified_request_completes_with_the_outcome_sent(
    anna: Subject, service_actor: Actor
) -> None:
    request = make_request(service_actor, verified=True)
    services.request_close(
        request=request, status="completed", outcome="Valmis.", actor=service_actor
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert request.closed_at is not None
    assert "Valmis." in mail.outbox[0].body
    assert list(request.events.values_list("action", flat=True)) == [
        "received",
        "verified",
        "closed",
    ]


def test_history_is_append_only(anna: Subject, service_actor: Actor) -> None:
    request = make_request(service_actor, verified=True)
    event = request.events.first()
    assert event is not None
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert RequestEvent.objects.filter(note="rewritten").count() == 0


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        ("2026-01-31T10:00:00+00:00", 1, "2026-02-28T10:00:00+00:00"),
        ("2028-01-31T10:00:00+00:00", 1, "2028-02-29T10:00:00+00:00"),
        ("2026-11-24T10:00:00+00:00", 2, "2027-01-24T10:00:00+00:00"),
        ("2026-12-15T10:00:00+00:00", 1, "2027-01-15T10:00:00+00:00"),
    ],
)
def test_one_month_is_a_calendar_month(start: str, months: int, due: str) -> None:
    from datetime import datetime

    moment = datetime.fromisoformat(start)
    assert services.add_months(moment, months) == datetime.fromisoformat(due)


# --- pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", HANDLERS)
def test_handlers_see_the_tracker_overdue_first(
    anna: Subject, staff_user: Any, service_actor: Actor, role: StaffRole,
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        late = make_request(service_actor, "erasure")
    make_request(service_actor, "access")
    client, _user = staff_client(staff_user, role)
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(str(late.public_id)[:8]) < body.index("Access to data")
    assert "Overdue" in body


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_403(
    anna: Subject, staff_user: Any, service_actor: Actor, role: StaffRole
) -> None:
    request = make_request(service_actor)
    client, _user = staff_client(staff_user, role)
    for path in (LIST, NEW, reverse("dsr_staff:detail", args=[request.public_id])):
        assert client.get(path).status_code == 403
    url = reverse("dsr_staff:action", args=[request.public_id, "close"])
    assert client.post(url, {"status": "refused", "outcome": "x"}).status_code == 403
    request.refresh_from_db()
    assert request.closed_at is None


def test_anonymous_is_sent_to_log_in(client: Any) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_register_a_request_through_the_page(anna: Subject, staff_user: Any) -> None:
    client, _user = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    response = client.post(
        NEW, {"login_email": "anna.virtanen@example.fi", "kind": "campaigns", "channel": "email",
              "details": "Was I in the spring newsletter?"},
    )  # fmt: skip
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dsr_staff:detail", args=[request.public_id])
    assert request.kind == RequestKind.CAMPAIGNS
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"login_email": "nobody@example.fi", "kind": "access", "channel": "email"},
        {"login_email": "not an address", "kind": "access", "channel": "email"},
        {"login_email": "anna.virtanen@example.fi", "kind": "telepathy", "channel": "email"},
        {"login_email": "anna.virtanen@example.fi", "kind": "access", "channel": ""},
    ],
)
def test_the_page_shows_errors_and_saves_nothing(
    anna: Subject, staff_user: Any, data: dict[str, str]
) -> None:
    client, _user = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not DataSubjectRequest.objects.exists()
    assert mail.outbox == []


def test_extend_through_the_page_with_bad_input(
    anna: Subject, staff_user: Any, service_actor: Actor
) -> None:
    request = make_request(service_actor)
    client, _user = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    url = reverse("dsr_staff:action", args=[request.public_id, "extend"])
    response = client.post(url, {"months": "5", "reason": ""})
    assert response.status_code == 422
    request.refresh_from_db()
    assert request.extended_at is None
    response = client.post(url, {"months": "1", "reason": "Many requests at once."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.extended_at is not None


def test_an_unknown_action_or_request_is_404(
    anna: Subject, staff_user: Any, service_actor: Actor
) -> None:
    request = make_request(service_actor)
    client, _user = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    assert (
        client.post(reverse("dsr_staff:action", args=[request.public_id, "explode"])).status_code
        == 404
    )
    other = "00000000-0000-0000-0000-000000000000"
    assert client.get(reverse("dsr_staff:detail", args=[other])).status_code == 404


def test_the_detail_page_shows_history(
    anna: Subject, staff_user: Any, service_actor: Actor, django_assert_num_queries: Any
) -> None:
    request = make_request(service_actor, verified=True)
    client, _user = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    # 16, plus the audit entry's network row (the staff member's IP, ADR 0016)
    with django_assert_num_queries(16):
        response = client.get(reverse("dsr_staff:detail", args=[request.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Confirmed by the person" in body
    assert "Decide a fee" in body
    # the read is recorded, so Anna sees it among the accesses to her data
    assert AuditEntry.objects.filter(action="dsr.request_read", subject_id=anna.public_id).exists()


def test_a_campaigns_question_shows_the_inclusions_once_verified(
    anna: Subject, other_cardholder: User, staff_user: Any, service_actor: Actor
) -> None:
    from kliento.marketing.models import Campaign, Recipient
    from kliento.register import services as register

    spring = Campaign.objects.create(
        name="Spring newsletter", channel="email", purpose="email_marketing",
        scheduled_at=timezone.now(), base_url="https://kliento.test", created_by="x",
    )  # fmt: skip
    secret = Campaign.objects.create(
        name="Someone else's offer", channel="sms", purpose="sms_marketing",
        scheduled_at=timezone.now(), base_url="https://kliento.test", created_by="x",
    )  # fmt: skip
    Recipient.objects.create(campaign=spring, subject=anna, basis="consent", status="sent")
    Recipient.objects.create(
        campaign=secret, subject=register.subject_of(other_cardholder), basis="consent"
    )
    request = make_request(service_actor, "campaigns")
    client, _user = staff_client(staff_user, StaffRole.CUSTOMER_SERVICE)
    url = reverse("dsr_staff:detail", args=[request.public_id])
    # not before Anna has confirmed the request is hers
    assert "Spring newsletter" not in client.get(url).content.decode()
    request.verified_at = timezone.now()
    request.save(update_fields=["verified_at"])
    body = client.get(url).content.decode()
    assert "Spring newsletter" in body
    assert "Someone else" not in body
    entry = AuditEntry.objects.filter(action="dsr.request_read").order_by("-seq").first()
    assert entry is not None
    assert "marketing_received" in entry.items
