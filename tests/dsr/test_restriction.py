"""Restriction stops everything but storage; objection stops direct marketing at once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from kliento.audit.actors import Actor
from kliento.cards.services import card_issue_kliento
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent import services as consent
from kliento.consent.models import ConsentEvent
from kliento.consent.selectors import has_consent
from kliento.dsr import selectors, services
from kliento.register.models import ProcessingRestriction, Subject
from kliento.visits.models import Visit
from kliento.visits.services import checkin_record
from tests.conftest import MerchantWorld
from tests.dsr.conftest import make_request

pytestmark = pytest.mark.django_db

MARKETING = ("email_marketing", "sms_marketing", "postal_marketing", "partner_marketing")


def anna_card(anna: Subject) -> str:
    _card, number, _code = card_issue_kliento(actor=Actor.system("tests"), holder=anna)
    return number


def test_a_restricted_persons_card_is_refused_at_check_in(
    anna: Subject, service_actor: Actor, merchant_a: MerchantWorld
) -> None:
    number = anna_card(anna)
    cashier = merchant_a.actor(merchant_a.cashier)
    checkin_record(premises=merchant_a.premises, card_input=number, actor=cashier)
    assert Visit.objects.count() == 1
    # when her restriction request is verified and applied
    request = make_request(service_actor, "restriction", verified=True)
    services.restriction_apply(request=request, actor=service_actor)
    assert selectors.is_restricted(anna)
    assert selectors.marketing_suppressed(anna)
    # then a check-in with her card is refused with a clear code and records nothing
    with pytest.raises(DomainError) as caught:
        checkin_record(premises=merchant_a.premises, card_input=number, actor=cashier)
    assert caught.value.code == ErrorCode.PROCESSING_RESTRICTED
    assert Visit.objects.count() == 1
    # and lifting it (with the person told) lets check-ins work again
    services.restriction_lift(
        request=request, reason="The dispute is settled.", actor=service_actor
    )
    assert not selectors.is_restricted(anna)
    assert "The dispute is settled." in mail.outbox[-1].body
    checkin_record(premises=merchant_a.premises, card_input=number, actor=cashier)
    assert Visit.objects.count() == 2


def test_the_terminal_api_answers_with_the_envelope(
    anna: Subject, service_actor: Actor, merchant_a: MerchantWorld
) -> None:
    number = anna_card(anna)
    request = make_request(service_actor, "restriction", verified=True)
    services.restriction_apply(request=request, actor=service_actor)
    response = Client().post(
        "/api/v1/checkins", json.dumps({"card": number}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {merchant_a.token}",
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["code"] == "processing_restricted"
    assert not Visit.objects.exists()


def test_other_peoples_cards_still_check_in(
    anna: Subject, other_cardholder: Any, service_actor: Actor, merchant_a: MerchantWorld
) -> None:
    request = make_request(service_actor, "restriction", verified=True)
    services.restriction_apply(request=request, actor=service_actor)
    _card, unregistered, _code = card_issue_kliento(actor=Actor.system("tests"))
    checkin_record(
        premises=merchant_a.premises, card_input=unregistered,
        actor=merchant_a.actor(merchant_a.cashier),
    )  # fmt: skip
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "verified", "code"),
    [
        ("restriction", False, ErrorCode.REQUEST_NOT_VERIFIED),
        ("access", True, ErrorCode.REQUEST_KIND_MISMATCH),
    ],
)
def test_restriction_needs_a_verified_restriction_request(
    anna: Subject, service_actor: Actor, kind: str, verified: bool, code: ErrorCode
) -> None:
    request = make_request(service_actor, kind, verified=verified)
    with pytest.raises(DomainError) as caught:
        services.restriction_apply(request=request, actor=service_actor)
    assert caught.value.code == code
    assert not ProcessingRestriction.objects.exists()


def test_restriction_twice_and_lifting_without_reason_are_refused(
    anna: Subject, service_actor: Actor
) -> None:
    request = make_request(service_actor, "restriction", verified=True)
    services.restriction_apply(request=request, actor=service_actor)
    with pytest.raises(DomainError):
        services.restriction_apply(request=request, actor=service_actor)
    with pytest.raises(DomainError) as caught:
        services.restriction_lift(request=request, reason=" ", actor=service_actor)
    assert caught.value.code == ErrorCode.VALUE_INVALID
    assert selectors.is_restricted(anna)


def give_all_marketing(anna: Subject) -> None:
    me = Actor.person(anna.user)  # type: ignore[arg-type]
    for purpose in MARKETING:
        consent.consent_give(
            subject=anna, purpose_key=purpose, language="en", channel=ConsentEvent.Channel.WEB,
            actor=me,
        )  # fmt: skip


def test_objection_withdraws_every_marketing_consent_at_once(
    anna: Subject, service_actor: Actor
) -> None:
    give_all_marketing(anna)
    consent.consent_give(
        subject=anna, purpose_key="health_data", language="en",
        channel=ConsentEvent.Channel.WEB, actor=Actor.person(anna.user),  # type: ignore[arg-type]
    )  # fmt: skip
    request = make_request(service_actor, "objection", verified=True)
    events = services.objection_apply(request=request, actor=service_actor)
    assert sorted(e.purpose for e in events) == sorted(MARKETING)
    for purpose in MARKETING:
        assert not has_consent(subject=anna, purpose=purpose)
    # consent for anything else than marketing is untouched
    assert has_consent(subject=anna, purpose="health_data")
    assert selectors.marketing_suppressed(anna)
    assert anna in selectors.suppressed_subject_ids()
    # and marketing without consent (the existing-customer exception) is suppressed too
    assert not selectors.is_restricted(anna)


def test_objection_is_all_or_nothing(anna: Subject, service_actor: Actor, monkeypatch: Any) -> None:
    give_all_marketing(anna)
    request = make_request(service_actor, "objection", verified=True)
    calls = {"n": 0}
    real = services.consent_withdraw

    def failing(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "consent_withdraw", failing)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.objection_apply(request=request, actor=service_actor)
    for purpose in MARKETING:
        assert has_consent(subject=anna, purpose=purpose)
    request.refresh_from_db()
    assert request.applied_at is None
    assert not selectors.marketing_suppressed(anna)


def test_objection_needs_verification(anna: Subject, service_actor: Actor) -> None:
    give_all_marketing(anna)
    request = make_request(service_actor, "objection")
    with pytest.raises(DomainError):
        services.objection_apply(request=request, actor=service_actor)
    assert has_consent(subject=anna, purpose="email_marketing")


def test_nobody_is_suppressed_by_default(anna: Subject) -> None:
    assert not selectors.marketing_suppressed(anna)
    assert not selectors.suppressed_subject_ids().exists()


def test_cancelling_the_account_keeps_requests_without_their_text(
    anna: Subject, service_actor: Actor
) -> None:
    from kliento.dsr.models import DataSubjectRequest, RequestEvent
    from kliento.privacy.services import account_cancel

    request = make_request(service_actor, "restriction", verified=True)
    services.restriction_apply(request=request, actor=service_actor)
    services.request_extend(
        request=request, months=1, reason="Waiting for Anna's receipt.", actor=service_actor
    )
    account_cancel(subject=anna, actor=Actor.person(anna.user))  # type: ignore[arg-type]
    kept = DataSubjectRequest.objects.get(pk=request.pk)
    # the record of how the request was handled stays, pseudonymous and without free text
    assert kept.details == ""
    assert "Anna" not in kept.extension_reason
    assert not RequestEvent.objects.filter(request=kept).exclude(note="").exists()
    assert not ProcessingRestriction.objects.filter(subject=anna).exists()
