"""Campaign pages: only the marketing role; bad input is a form error and saves nothing;
the person's page lists their inclusions and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.common.errors import DomainError
from kliento.marketing import services
from kliento.marketing.models import Campaign, MarketingProfile, ProductTag
from kliento.register.models import Subject
from tests.conftest import MerchantWorld
from tests.marketing.conftest import draft, marketer_actor, run, staff_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem")]

LIST = "/staff/campaigns/"


def valid_form(**changes: str) -> dict[str, str]:
    form = {
        "name": "Spring", "channel": "email", "purpose": "email_marketing",
        "scheduled_at": "2030-03-01T09:00",
        **{f"subject_{lang}": f"Kevät {lang}" for lang in ("fi", "sv", "en")},
        **{f"body_{lang}": f"Tarjous {lang}" for lang in ("fi", "sv", "en")},
    }  # fmt: skip
    form.update(changes)
    return form


@pytest.mark.parametrize("role", [r for r in StaffRole if r != StaffRole.MARKETING])
def test_other_staff_roles_are_refused(staff_user: Any, role: StaffRole) -> None:
    client = staff_client(staff_user(role))
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, valid_form()).status_code == 403
    assert not Campaign.objects.exists()


def test_cardholder_and_anonymous_are_refused(cardholder_client: Client) -> None:
    assert cardholder_client.get(LIST).status_code in (302, 404)
    assert Client().get(LIST).status_code == 302


def test_marketing_role_sees_and_creates(marketer: User) -> None:
    client = staff_client(marketer)
    assert client.get(LIST).status_code == 200
    response = client.post(LIST, valid_form())
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert response["Location"] == f"/staff/campaigns/{campaign.public_id}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"purpose": ""}, "purpose", "Choose the consent purpose"),
        ({"body_sv": ""}, "body_sv", "needs the message in Swedish"),
        ({"subject_en": ""}, "body_en", "needs the message in English"),
        ({"channel": "sms", "purpose": "email_marketing"}, "purpose", "does not cover"),
        ({"existing_customers": "on"}, "merchant", "merchant's own customers"),
        ({"scheduled_at": ""}, "scheduled_at", "Choose when to send"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(
    marketer: User,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = staff_client(marketer).post(LIST, valid_form(**changes))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert not Campaign.objects.exists()


def test_a_segment_in_one_language_needs_only_that_language(marketer: User) -> None:
    form = valid_form(segment_language="sv", body_fi="", subject_fi="", body_en="")
    assert staff_client(marketer).post(LIST, form).status_code == 302


def test_partner_marketing_never_uses_the_customer_exception(
    marketer: User,
    merchant_a: MerchantWorld,
) -> None:
    with pytest.raises(DomainError, match="always needs"):
        services.campaign_create(
            draft=draft(purpose="partner_marketing", existing_customers=True,
                        merchant=merchant_a.merchant),
            base_url="https://kliento.test/", actor=marketer_actor(marketer),
        )  # fmt: skip
    assert not Campaign.objects.exists()


def test_person_sees_their_inclusions_and_why(
    person: Callable[..., Subject],
    marketer: User,
) -> None:
    anna = person("anna", consents=("email_marketing",))
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    run(campaign)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert anna.user is not None
    client.force_login(anna.user)
    page = client.get("/profile/campaigns/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Marketing by e-mail" in text
    assert "/profile/consents/receipts/" in text


def test_person_chooses_what_is_used_for_offers(person: Callable[..., Subject]) -> None:
    anna = person("anna", city="Helsinki", products=["kahvi", "pulla"])
    assert anna.user is not None
    client = Client()
    client.force_login(anna.user)
    response = client.post("/profile/campaigns/", {"use_products": "on"})
    assert response.status_code == 302
    profile = MarketingProfile.objects.get(subject=anna)
    assert (profile.use_language, profile.use_city, profile.use_products) == (False, False, True)
    assert profile.city_tag is None
    assert profile.language == ""
    assert ProductTag.objects.filter(subject=anna).count() == 2
