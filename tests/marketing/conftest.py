"""People for the marketing tests: each with a login, a language, optional profile
contacts, consents and segment choices; and a helper that runs a campaign's tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.consent import services as consent
from kliento.consent.models import ConsentEvent
from kliento.marketing import segments, services
from kliento.marketing.models import Campaign, Recipient
from kliento.register import services as register
from kliento.register.models import Subject
from tests.conftest import make_user

STAFF = Actor  # re-exported for type hints in tests


def give(subject: Subject, purpose: str) -> ConsentEvent:
    assert subject.user is not None
    return consent.consent_give(
        subject=subject, purpose_key=purpose, language="en",
        channel=ConsentEvent.Channel.WEB, actor=Actor.person(subject.user),
    )  # fmt: skip


def withdraw(subject: Subject, purpose: str) -> None:
    assert subject.user is not None
    consent.consent_withdraw(
        subject=subject, purpose_key=purpose, language="en",
        channel=ConsentEvent.Channel.WEB, actor=Actor.person(subject.user),
    )  # fmt: skip


@pytest.fixture
def person(db: None) -> Callable[..., Subject]:
    """``person("name", consents=[...], language="sv", city=..., products=[...])``."""

    def make(
        name: str,
        *,
        consents: tuple[str, ...] = (),
        language: str = "fi",
        email: str | None = None,
        phone: str | None = None,
        city: str | None = None,
        products: list[str] | None = None,
    ) -> Subject:
        user = make_user(f"{name}@example.fi")
        user.language = language
        user.save(update_fields=["language"])
        subject = register.subject_of(user)
        me = Actor.person(user)
        if email:
            register.profile_value_set(subject=subject, item_key="email", value=email, actor=me)
        if phone:
            register.profile_value_set(subject=subject, item_key="phone", value=phone, actor=me)
        if city:
            register.profile_value_set(
                subject=subject, item_key="address",
                value={"street": "Katu 1", "city": city}, actor=me,
            )  # fmt: skip
        if products:
            register.profile_value_set(
                subject=subject, item_key="favourite_products", value=products, actor=me
            )
        segments.marketing_profile_set(
            subject=subject,
            choice=segments.SegmentChoice(
                use_language=True, use_city=bool(city), use_products=bool(products)
            ),
            actor=me,
        )
        for purpose in consents:
            give(subject, purpose)
        return subject

    return make


@pytest.fixture
def marketer(staff_user: Any) -> User:
    user: User = staff_user(StaffRole.MARKETING)
    return user


def marketer_actor(user: User) -> Actor:
    return Actor.staff(user, StaffRole.MARKETING.value)


def staff_client(user: User) -> Client:
    TOTP.activate(user, pyotp.random_base32())
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


CONTENT = {
    lang: {"subject": f"Offer ({lang})", "body": f"Hello in {lang}."} for lang in ("fi", "sv", "en")
}


def draft(**changes: Any) -> services.CampaignDraft:
    values: dict[str, Any] = {
        "name": "Autumn offers",
        "channel": "email",
        "purpose": "email_marketing",
        "content": CONTENT,
        "scheduled_at": timezone.now() + dt.timedelta(hours=1),
    }
    values.update(changes)
    return services.CampaignDraft(**values)


def run(campaign: Campaign) -> None:
    """What the worker does: start at the scheduled time, then deliver every batch."""
    services.campaign_start(campaign=campaign, actor=Actor.system("tests"))
    ids = list(
        Recipient.objects.filter(campaign=campaign, status=Recipient.Status.QUEUED).values_list(
            "pk", flat=True
        )
    )
    attempt = 1
    while ids:
        ids = services.campaign_deliver(campaign=campaign, recipient_ids=ids, attempt=attempt)
        attempt += 1


def statuses(campaign: Campaign) -> dict[str, str]:
    """Each recipient's login e-mail and status (with the skip reason)."""
    return {
        r.subject.user.email.split("@")[0]: r.status
        + (f":{r.skip_reason}" if r.skip_reason else "")
        for r in Recipient.objects.filter(campaign=campaign).select_related("subject__user")
        if r.subject.user is not None
    }


@pytest.fixture
def locmem(settings: Any) -> None:
    settings.KLIENTO_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
