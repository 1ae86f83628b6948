"""Who a campaign reaches: consent in force at sending, suppression, segment, partner
marketing, the existing-customer exception; and the record of each inclusion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from kliento.accounts.models import User
from kliento.marketing import services
from kliento.marketing.models import Recipient, Suppression
from kliento.register.models import Subject
from kliento.sharing.models import Relationship
from tests.conftest import MerchantWorld
from tests.marketing.conftest import draft, give, marketer_actor, run, statuses, withdraw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem")]

Person = Callable[..., Subject]


def test_only_people_with_consent_in_force_get_it(person: Person, marketer: User) -> None:
    # Given one person consented, one did not and one consented to SMS only
    person("anna", consents=("email_marketing",))
    person("bertil")
    person("cecilia", consents=("sms_marketing",))
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    # When the campaign is sent
    run(campaign)
    # Then only Anna was included and got the message
    assert statuses(campaign) == {"anna": "sent"}
    assert [m.to for m in mail.outbox] == [["anna@example.fi"]]


def test_consent_withdrawn_after_scheduling_means_nothing_is_sent(
    person: Person,
    marketer: User,
) -> None:
    anna = person("anna", consents=("email_marketing",))
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    # When Anna withdraws between scheduling and sending
    withdraw(anna, "email_marketing")
    run(campaign)
    # Then she is not even in the audience, and nothing was sent
    assert statuses(campaign) == {}
    assert mail.outbox == []


def test_consent_withdrawn_after_audience_before_delivery_is_skipped(
    person: Person,
    marketer: User,
) -> None:
    anna = person("anna", consents=("email_marketing",))
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    from kliento.audit.actors import Actor

    services.campaign_start(campaign=campaign, actor=Actor.system("tests"))
    # When she withdraws after the audience was computed but before her message goes out
    withdraw(anna, "email_marketing")
    ids = list(Recipient.objects.filter(campaign=campaign).values_list("pk", flat=True))
    services.campaign_deliver(campaign=campaign, recipient_ids=ids, attempt=1)
    # Then the last check before sending skips her
    assert statuses(campaign) == {"anna": "skipped:consent_withdrawn"}
    assert mail.outbox == []


def test_suppressed_address_gets_nothing(person: Person, marketer: User) -> None:
    person("anna", consents=("email_marketing",), email="anna.home@example.fi")
    person("bertil", consents=("email_marketing",))
    # Given Anna's profile address and Bertil's login address are suppressed
    for address in ("ANNA.home@example.fi", "bertil@example.fi"):
        Suppression.objects.create(
            channel="email", digest=services.address_digest("email", address), source="test"
        )
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    run(campaign)
    # Then Anna is left out of the audience in SQL (blind index of her primary e-mail),
    # and Bertil is skipped at the last check (his login address has no index)
    assert statuses(campaign) == {"bertil": "skipped:suppressed"}
    assert mail.outbox == []


def test_segment_by_language_city_and_product(person: Person, marketer: User) -> None:
    consents = ("email_marketing",)
    person("anna", consents=consents, language="sv", city="Helsinki", products=["Kaffe", "Bulle"])
    person("bertil", consents=consents, language="sv", city="Turku", products=["kaffe"])
    person("cecilia", consents=consents, language="fi", city="helsinki ", products=["kaffe"])
    campaign = services.campaign_create(
        draft=draft(segment_language="sv", segment_city=" HELSINKI", segment_product="kaffe",
                    content={"sv": {"subject": "Erbjudande", "body": "Hej!"}}),
        base_url="https://kliento.test/", actor=marketer_actor(marketer),
    )  # fmt: skip
    run(campaign)
    assert statuses(campaign) == {"anna": "sent"}
    assert mail.outbox[0].subject == "Erbjudande"


def test_segment_needs_the_persons_permission(person: Person, marketer: User) -> None:
    from kliento.audit.actors import Actor
    from kliento.marketing import segments

    anna = person("anna", consents=("email_marketing",), city="Helsinki")
    assert anna.user is not None
    # When Anna no longer allows her city to be used
    segments.marketing_profile_set(
        subject=anna, choice=segments.SegmentChoice(False, False, False),
        actor=Actor.person(anna.user),
    )  # fmt: skip
    campaign = services.campaign_create(draft=draft(segment_city="Helsinki"),
                                        base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    run(campaign)
    assert statuses(campaign) == {}


def test_partner_marketing_needs_its_own_consent(person: Person, marketer: User) -> None:
    person("anna", consents=("email_marketing",))
    person("bertil", consents=("email_marketing", "partner_marketing"))
    campaign = services.campaign_create(draft=draft(purpose="partner_marketing"),
                                        base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    run(campaign)
    assert statuses(campaign) == {"bertil": "sent"}


def test_existing_customer_exception_ends_with_the_customership(
    person: Person,
    marketer: User,
    merchant_a: MerchantWorld,
) -> None:
    anna = person("anna")
    bertil = person("bertil")
    cecilia = person("cecilia", consents=("email_marketing",))
    withdraw(cecilia, "email_marketing")  # an objection
    person("daniel")  # not a customer
    for subject in (anna, bertil, cecilia):
        Relationship.objects.create(subject=subject, merchant=merchant_a.merchant)
    campaign = services.campaign_create(
        draft=draft(existing_customers=True, merchant=merchant_a.merchant),
        base_url="https://kliento.test/", actor=marketer_actor(marketer),
    )  # fmt: skip
    from kliento.audit.actors import Actor

    services.campaign_start(campaign=campaign, actor=Actor.system("tests"))
    # When Bertil leaves the merchant before his message goes out
    Relationship.objects.filter(subject=bertil).delete()
    ids = list(Recipient.objects.filter(campaign=campaign).values_list("pk", flat=True))
    services.campaign_deliver(campaign=campaign, recipient_ids=ids, attempt=1)
    assert statuses(campaign) == {"anna": "sent", "bertil": "skipped:customership_ended"}
    row = Recipient.objects.get(subject=anna)
    assert row.basis == Recipient.Basis.EXISTING_CUSTOMER
    assert row.consent_event is None


def test_inclusion_records_the_consent_event_used(person: Person, marketer: User) -> None:
    anna = person("anna", consents=("sms_marketing",), phone="040 123 4567")
    event = give(anna, "email_marketing")
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    run(campaign)
    row = Recipient.objects.get(campaign=campaign)
    assert row.subject == anna
    assert row.basis == Recipient.Basis.CONSENT
    assert row.consent_event == event
    assert row.sent_at is not None


def test_failed_delivery_is_retried_then_recorded(
    person: Person,
    marketer: User,
    settings: Any,
) -> None:
    settings.KLIENTO_EMAIL_DELIVERY_BACKEND = "tests.marketing.test_audience.BrokenBackend"
    person("anna", consents=("email_marketing",))
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    run(campaign)
    row = Recipient.objects.get(campaign=campaign)
    assert (row.status, row.attempts) == ("failed", services.MAX_ATTEMPTS)
    assert "refused" in row.last_error
    campaign.refresh_from_db()
    assert campaign.status == "done"


class BrokenBackend:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("refused")

    def close(self) -> None:
        pass


def test_restricted_processing_leaves_people_out_and_stops_a_queued_message(
    person: Person, marketer: User
) -> None:
    from kliento.audit.actors import Actor
    from kliento.register.models import ProcessingRestriction

    # Given Anna's processing is restricted and Bertil consented too
    anna = person("anna", consents=("email_marketing",))
    bertil = person("bertil", consents=("email_marketing",))
    ProcessingRestriction.objects.create(subject=anna, reason="Accuracy contested")
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    services.campaign_start(campaign=campaign, actor=Actor.system("tests"))
    # Then the audience leaves Anna out in SQL
    assert statuses(campaign) == {"bertil": "queued"}

    # And when Bertil's processing is restricted after the audience was computed
    ProcessingRestriction.objects.create(subject=bertil, reason="Objection pending")
    ids = list(Recipient.objects.filter(campaign=campaign).values_list("pk", flat=True))
    services.campaign_deliver(campaign=campaign, recipient_ids=ids, attempt=1)
    # Then the last check before sending skips him
    assert statuses(campaign) == {"bertil": "skipped:restricted_or_objected"}
    assert mail.outbox == []
