"""The Activity timeline names every event in words, also those of areas added later."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.audit.services import audit_record
from kliento.register import services as register

pytestmark = pytest.mark.django_db


def test_events_without_a_title_of_their_own_read_as_words(
    cardholder: User, cardholder_client: Client
) -> None:
    subject = register.subject_of(cardholder)
    with transaction.atomic():
        audit_record(actor=Actor.system("surveys"), action="survey.answer",
                     subject_id=subject.public_id, items=["survey_answers"])  # fmt: skip
        audit_record(actor=Actor.system("retention"), action="retention.anonymise",
                     subject_id=subject.public_id)  # fmt: skip

    page = cardholder_client.get("/profile/activity/").content.decode()

    assert "Recorded your survey answer" in page
    assert "Deleted or anonymised old data" in page
    assert "survey.answer" not in page
    assert "retention.anonymise" not in page
