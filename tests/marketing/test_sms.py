"""SMS through the file backend, with the stop keyword in Finnish, Swedish and English."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kliento.accounts.models import User
from kliento.consent.selectors import has_consent
from kliento.marketing import services
from kliento.marketing.models import Suppression
from kliento.register.models import Subject
from tests.marketing.conftest import draft, marketer_actor, run, statuses

pytestmark = pytest.mark.django_db

SMS_CONTENT = {lang: {"subject": "", "body": f"Tarjous {lang}"} for lang in ("fi", "sv", "en")}


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "sms.jsonl"
    settings.KLIENTO_SMS_FILE_PATH = str(path)
    return path


def messages(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_sms_campaign_is_written_by_the_file_backend(
    outbox: Path,
    person: Callable[..., Subject],
    marketer: User,
) -> None:
    person("anna", consents=("sms_marketing",), phone="040 123 4567", language="en")
    person("bertil", consents=("email_marketing",), phone="040 765 4321")
    person("cecilia", consents=("sms_marketing",))  # no phone number
    campaign = services.campaign_create(
        draft=draft(channel="sms", purpose="sms_marketing", content=SMS_CONTENT),
        base_url="https://kliento.test/", actor=marketer_actor(marketer),
    )  # fmt: skip
    run(campaign)
    [message] = messages(outbox)
    assert message["to"] == "+358401234567"
    assert message["text"].startswith("Tarjous en\n")
    assert "STOP" in message["text"]
    assert "https://kliento.test/u/" in message["text"]
    assert statuses(campaign) == {"anna": "sent", "cecilia": "skipped:no_address"}


@pytest.mark.parametrize("reply", ["STOP", "lopeta", " Stopp! ", "SLUTA"])
def test_stop_reply_suppresses_the_number_before_the_next_send(
    outbox: Path,
    person: Callable[..., Subject],
    marketer: User,
    reply: str,
) -> None:
    anna = person("anna", consents=("sms_marketing",), phone="040 123 4567")
    assert services.sms_reply_receive(sender="+358 40 1234567", text=reply)
    assert Suppression.objects.filter(channel="sms", source="sms_stop").count() == 1
    assert not has_consent(subject=anna, purpose="sms_marketing")
    campaign = services.campaign_create(
        draft=draft(channel="sms", purpose="sms_marketing", content=SMS_CONTENT),
        base_url="https://kliento.test/", actor=marketer_actor(marketer),
    )  # fmt: skip
    run(campaign)
    assert messages(outbox) == []


def test_other_replies_change_nothing(person: Callable[..., Subject]) -> None:
    anna = person("anna", consents=("sms_marketing",), phone="040 123 4567")
    assert not services.sms_reply_receive(sender="+358401234567", text="please stop soon")
    assert not services.sms_reply_receive(sender="not a number", text="STOP")
    assert has_consent(subject=anna, purpose="sms_marketing")
    assert not Suppression.objects.exists()
