"""The person's marketing records are in their export and go with their account."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from kliento.accounts.models import User
from kliento.consent.models import CurrentConsent
from kliento.marketing import services
from kliento.marketing.models import MarketingProfile, Recipient
from kliento.privacy.export import sections, stream_json
from kliento.register.models import Subject
from tests.marketing.conftest import draft, marketer_actor, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locmem")]


def test_inclusions_and_choices_are_exported_and_erased(
    person: Callable[..., Subject], marketer: User
) -> None:
    anna = person("anna", consents=("email_marketing",), city="Helsinki")
    campaign = services.campaign_create(draft=draft(), base_url="https://kliento.test/",
                                        actor=marketer_actor(marketer))  # fmt: skip
    run(campaign)
    document = json.loads("".join(stream_json(anna)))
    text = json.dumps(document)
    assert str(campaign.public_id) in text
    assert "city_stored_as_keyed_hash" in text
    assert "Helsinki" not in text.split("marketing_choices")[-1][:2000]

    by_name = {section.name: section for section in sections()}
    for name in ("marketing_inclusions", "marketing_choices"):
        erase = by_name[name].erase
        assert erase is not None
        erase(anna)
    assert not Recipient.objects.filter(subject=anna).exists()
    assert not MarketingProfile.objects.filter(subject=anna).exists()
    assert not CurrentConsent.objects.filter(subject=anna).exists()
