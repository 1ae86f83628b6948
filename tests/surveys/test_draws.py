"""Prize draws: run once after the end, by marketing, reproducible from the records,
audited, and only among entrants who still consent at the moment of the draw."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.common.errors import DomainError, ErrorCode
from kliento.register.services import subject_of
from kliento.surveys import draws, services
from kliento.surveys.models import Draw, Survey
from tests.conftest import make_user
from tests.surveys.conftest import answers, close, give, make_survey, withdraw

pytestmark = pytest.mark.django_db


def entrants(count: int) -> list[User]:
    return [make_user(f"entrant{n}@example.fi") for n in range(count)]


def enter(survey: Survey, users: list[User]) -> None:
    for user in users:
        services.response_submit(
            survey=survey,
            subject=give(user, "prize_draws"),
            answers=answers(),
            actor=Actor.person(user),
        )


@pytest.fixture
def drawn(marketing: Actor) -> tuple[Survey, list[User]]:
    """A closed prize draw for two winners with six entrants."""
    survey = make_survey(marketing, kind="draw", winners=2)
    users = entrants(6)
    enter(survey, users)
    close(survey)
    return survey, users


def test_the_algorithm_is_the_documented_one() -> None:
    ids = ["c", "a", "b", "e", "d"]
    seed = "00ff" * 16
    expected = random.Random(seed).sample(sorted(ids), 2)

    assert draws.pick_winners(seed=seed, entrants=ids, count=2) == expected
    assert draws.pick_winners(seed=seed, entrants=list(reversed(ids)), count=2) == expected
    assert draws.pick_winners(seed=seed, entrants=ids, count=9) == random.Random(seed).sample(
        sorted(ids), 5
    )
    assert draws.entrants_digest(["a", "b"]) == hashlib.sha256(b"a\nb").hexdigest()


def test_a_draw_records_seed_entrants_and_winners_and_is_audited(
    drawn: tuple[Survey, list[User]], marketing: Actor
) -> None:
    survey, users = drawn

    draw = draws.draw_run(survey=survey, actor=marketing)

    ids = sorted(str(subject_of(u).public_id) for u in users)
    assert draw.entrants == ids
    assert draw.entrants_hash == draws.entrants_digest(ids)
    assert len(draw.seed) == 64
    assert draw.winners == random.Random(draw.seed).sample(ids, 2)
    entry = AuditEntry.objects.get(action="survey.draw")
    assert entry.context["seed"] == draw.seed
    assert entry.context["winners"] == draw.winners
    assert entry.context["entrants_hash"] == draw.entrants_hash
    assert entry.actor_role == StaffRole.MARKETING


def test_the_draw_reproduces_and_a_tampered_record_does_not(
    drawn: tuple[Survey, list[User]], marketing: Actor
) -> None:
    survey, _users = drawn
    draw = draws.draw_run(survey=survey, actor=marketing)

    check = draws.draw_verify(draw=draw, actor=marketing)
    assert check.ok
    assert AuditEntry.objects.get(action="survey.draw_verify").context["ok"] is True

    others = [e for e in draw.entrants if e not in draw.winners]
    Draw.objects.filter(pk=draw.pk).update(winners=[others[0], draw.winners[1]])
    draw.refresh_from_db()
    check = draws.draw_reproduce(draw=draw)
    assert check.hash_matches
    assert check.entrants_match
    assert not check.winners_match

    Draw.objects.filter(pk=draw.pk).update(entrants=draw.entrants[1:])
    draw.refresh_from_db()
    check = draws.draw_reproduce(draw=draw)
    assert not check.ok
    assert not check.hash_matches
    assert not check.entrants_match


def test_consent_withdrawn_before_the_draw_excludes_the_entrant(
    drawn: tuple[Survey, list[User]], marketing: Actor
) -> None:
    survey, users = drawn
    withdraw(users[0], "prize_draws")
    withdraw(users[1], "prize_draws")

    draw = draws.draw_run(survey=survey, actor=marketing)

    left = {str(subject_of(u).public_id) for u in users[:2]}
    assert len(draw.entrants) == 4
    assert not left & set(draw.entrants)
    assert not left & set(draw.winners)
    # Consent given again after the draw does not change what reproduces.
    give(users[0], "prize_draws")
    assert draws.draw_reproduce(draw=draw).ok


def test_a_draw_runs_only_after_the_end_and_only_once(marketing: Actor) -> None:
    survey = make_survey(marketing, kind="draw", winners=1)
    enter(survey, entrants(2))
    with pytest.raises(DomainError, match="after its end date") as raised:
        draws.draw_run(survey=survey, actor=marketing)
    assert raised.value.code == ErrorCode.DRAW_NOT_DUE
    close(survey)
    draws.draw_run(survey=survey, actor=marketing)
    with pytest.raises(DomainError, match="already been drawn"):
        draws.draw_run(survey=survey, actor=marketing)
    assert Draw.objects.count() == 1
    assert AuditEntry.objects.filter(action="survey.draw").count() == 1


def test_a_survey_has_no_draw(marketing: Actor) -> None:
    survey = make_survey(marketing)
    close(survey)
    with pytest.raises(DomainError, match="Only a prize draw"):
        draws.draw_run(survey=survey, actor=marketing)
    assert not Draw.objects.exists()


@pytest.mark.parametrize("role", [r for r in StaffRole if r != StaffRole.MARKETING])
def test_only_marketing_runs_a_draw(
    drawn: tuple[Survey, list[User]], staff_user: Any, role: StaffRole
) -> None:
    survey, _users = drawn
    with pytest.raises(DomainError) as raised:
        draws.draw_run(survey=survey, actor=Actor.staff(staff_user(role), role.value))
    assert raised.value.code == ErrorCode.PERMISSION_DENIED
    assert not Draw.objects.exists()


def test_a_draw_with_no_eligible_entrants_has_no_winners(marketing: Actor) -> None:
    survey = make_survey(marketing, kind="draw", winners=3)
    users = entrants(1)
    enter(survey, users)
    withdraw(users[0], "prize_draws")
    close(survey)
    draw = draws.draw_run(survey=survey, actor=marketing)
    assert draw.entrants == []
    assert draw.winners == []
    assert draws.draw_reproduce(draw=draw).ok


def test_the_command_reproduces_a_draw_and_fails_on_a_tampered_one(
    drawn: tuple[Survey, list[User]], marketing: Actor
) -> None:
    survey, _users = drawn
    draw = draws.draw_run(survey=survey, actor=marketing)
    out = io.StringIO()

    call_command("surveys", "check-draw", str(survey.public_id), stdout=out)

    assert draw.seed in out.getvalue()
    assert "winners match (from seed) yes" in out.getvalue()
    Draw.objects.filter(pk=draw.pk).update(seed="0" * 64)
    with pytest.raises(CommandError, match="does not reproduce"):
        call_command("surveys", "check-draw", str(survey.public_id), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No draw"):
        call_command("surveys", "check-draw", str(uuid.uuid4()), stdout=io.StringIO())


def test_entries_deleted_after_the_draw_are_reported_and_the_draw_still_checks(
    drawn: tuple[Survey, list[User]], marketing: Actor
) -> None:
    survey, users = drawn
    draw = draws.draw_run(survey=survey, actor=marketing)
    withdraw(users[0], "prize_draws")
    services.responses_purge_expired(today=timezone.localdate(), actor=Actor.system("t"))

    check = draws.draw_reproduce(draw=draw)

    assert check.entries_deleted == 1
    assert check.ok
