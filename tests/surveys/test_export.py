"""The person's export holds their own survey answers, decrypted, and draw wins; another
person's answers never appear; cancelling the account deletes the answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.privacy.export import covered_models, sections
from kliento.surveys import draws, services
from kliento.surveys.models import Response
from tests.surveys.conftest import answers, close, give, make_survey

pytestmark = pytest.mark.django_db


def _export(user: User) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    response = client.get("/profile/export/kliento-export.json")
    assert isinstance(response, StreamingHttpResponse)
    document: dict[str, Any] = json.loads(response.getvalue())
    return document["sections"]["surveys"]


def test_the_export_has_my_answers_and_wins_and_no_one_elses(
    cardholder: User, other_cardholder: User, marketing: Actor
) -> None:
    survey = make_survey(marketing)
    draw = make_survey(marketing, kind="draw", winners=1)
    services.response_submit(
        survey=survey,
        subject=give(cardholder, "surveys"),
        answers=answers("Mine, about rye"),
        actor=Actor.person(cardholder),
    )
    services.response_submit(
        survey=draw,
        subject=give(cardholder, "prize_draws"),
        answers=answers(),
        actor=Actor.person(cardholder),
    )
    services.response_submit(
        survey=survey,
        subject=give(other_cardholder, "surveys"),
        answers=answers("Someone else's secret"),
        actor=Actor.person(other_cardholder),
    )
    close(draw)
    draws.draw_run(survey=draw, actor=marketing)

    section = _export(cardholder)

    assert "surveys.Response" in covered_models()
    assert "surveys" in [s.name for s in sections()]
    assert len(section["rows"]) == 2
    text = json.dumps(section)
    assert "Mine, about rye" in text
    assert "Someone else" not in text
    won = [row for row in section["rows"] if row["kind"] == "draw"]
    assert won[0]["won"] is True


def test_cancelling_the_account_erases_the_answers(cardholder: User, marketing: Actor) -> None:
    survey = make_survey(marketing)
    subject = give(cardholder, "surveys")
    services.response_submit(
        survey=survey, subject=subject, answers=answers(), actor=Actor.person(cardholder)
    )
    section = next(s for s in sections() if s.name == "surveys")
    assert section.erase is not None

    section.erase(subject)

    assert not Response.objects.filter(subject=subject).exists()
