"""Prize draws anyone can reproduce.

Algorithm ``sorted-ids/random.Random-sample/v1`` (docs/decisions/0012-surveys-app.md):

1. The entrants are the pseudonymous subject ids (UUID strings) of everyone who entered
   and still has active consent for prize draws at the moment of the draw, sorted.
2. ``entrants_hash`` is SHA-256 over those ids joined with newlines (UTF-8).
3. ``seed`` is ``secrets.token_hex(32)``, drawn once and stored.
4. The winners are ``random.Random(seed).sample(entrants, min(k, len(entrants)))``, in
   drawn order. Seeding ``random.Random`` with a str is deterministic across platforms
   and Python versions (version 2 seeding, SHA-512 of the string).

The seed is not secret after the draw; it only has to be unpredictable before it.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.audit.services import audit_record
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent.selectors import has_consent
from kliento.surveys.models import Draw, Survey
from kliento.surveys.services import ENTRIES_ITEM, require_marketing

ALGORITHM = "sorted-ids/random.Random-sample/v1"


def entrants_digest(entrants: list[str]) -> str:
    """SHA-256 (hex) of the sorted entrant ids joined with newlines."""
    return hashlib.sha256("\n".join(entrants).encode()).hexdigest()


def pick_winners(*, seed: str, entrants: list[str], count: int) -> list[str]:
    """The documented, deterministic pick: same seed and entrants, same winners."""
    ordered = sorted(entrants)
    # Not for secrecy: reproducibility is the point, the seed comes from ``secrets``.
    rng = random.Random(seed)  # noqa: S311
    return rng.sample(ordered, min(count, len(ordered)))


def eligible_entrants(*, survey: Survey, at: datetime) -> list[str]:
    """Sorted ids of the entrants with active prize-draw consent at ``at``."""
    responses = survey.responses.filter(created_at__lte=at, subject__erased_at__isnull=True)
    return sorted(
        str(response.subject.public_id)
        for response in responses.select_related("subject")
        if has_consent(subject=response.subject, purpose=survey.consent_purpose, at=at)
    )


@transaction.atomic
def draw_run(*, survey: Survey, actor: Actor) -> Draw:
    """Run a prize draw once, after its end date, and record how it can be reproduced."""
    require_marketing(actor)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.kind != Survey.Kind.DRAW:
        raise DomainError(ErrorCode.NOT_A_DRAW, _("Only a prize draw has winners."))
    if timezone.localdate() <= survey.ends_on:
        raise DomainError(
            ErrorCode.DRAW_NOT_DUE,
            _("The draw can be run only after its end date."),
            details={"ends_on": str(survey.ends_on)},
        )
    if Draw.objects.filter(survey=survey).exists():
        raise DomainError(ErrorCode.DRAW_ALREADY_RUN, _("This prize draw has already been drawn."))
    now = timezone.now()
    entrants = eligible_entrants(survey=survey, at=now)
    seed = secrets.token_hex(32)
    winners = pick_winners(seed=seed, entrants=entrants, count=survey.winners_count)
    draw = Draw.objects.create(
        survey=survey,
        algorithm=ALGORITHM,
        seed=seed,
        entrants=entrants,
        entrants_hash=entrants_digest(entrants),
        winners=winners,
        drawn_at=now,
        drawn_by=actor.id,
    )
    audit_record(
        actor=actor,
        action=AuditAction.SURVEY_DRAW,
        items=[ENTRIES_ITEM],
        purpose=survey.consent_purpose,
        context={
            "survey": str(survey.public_id),
            "algorithm": ALGORITHM,
            "seed": seed,
            "entrants": len(entrants),
            "entrants_hash": draw.entrants_hash,
            "winners": winners,
        },
    )
    return draw


@dataclass(frozen=True)
class DrawCheck:
    """What a reproduction found; ``ok`` only when every part matches."""

    hash_matches: bool
    entrants_match: bool
    winners_match: bool
    # The seed, entrant hash and winners are those the hash-chained audit log recorded at
    # the draw: a changed seed is caught even when it happens to pick the same winners.
    log_matches: bool
    # Recorded entrants whose entry has since been deleted (retention, withdrawn consent,
    # a closed account): they cannot be recomputed, but the recorded list still counts.
    entries_deleted: int = 0

    @property
    def ok(self) -> bool:
        return self.hash_matches and self.entrants_match and self.winners_match and self.log_matches


def draw_reproduce(*, draw: Draw) -> DrawCheck:
    """Recompute the draw from the records: the entrant list against its hash, the
    entrants from the responses and consent as they were at the draw, the winners from
    the seed. Needs no secret, so anyone with the records can do it."""
    recorded = list(draw.entrants)
    present = {
        str(public_id)
        for public_id in draw.survey.responses.values_list("subject__public_id", flat=True)
    }
    still_entered = [entrant for entrant in recorded if entrant in present]
    recomputed = eligible_entrants(survey=draw.survey, at=draw.drawn_at)
    winners = pick_winners(seed=draw.seed, entrants=recorded, count=draw.survey.winners_count)
    logged = (
        AuditEntry.objects.filter(
            action=AuditAction.SURVEY_DRAW, context__survey=str(draw.survey.public_id)
        )
        .values_list("context", flat=True)
        .first()
    ) or {}
    return DrawCheck(
        hash_matches=entrants_digest(recorded) == draw.entrants_hash,
        entrants_match=recomputed == still_entered,
        winners_match=winners == list(draw.winners),
        log_matches=(logged.get("seed"), logged.get("entrants_hash"), logged.get("winners"))
        == (draw.seed, draw.entrants_hash, list(draw.winners)),
        entries_deleted=len(recorded) - len(still_entered),
    )


@transaction.atomic
def draw_verify(*, draw: Draw, actor: Actor) -> DrawCheck:
    """Reproduce the draw for staff and record that it was checked, with the outcome."""
    require_marketing(actor)
    check = draw_reproduce(draw=draw)
    audit_record(
        actor=actor,
        action=AuditAction.SURVEY_DRAW_VERIFY,
        items=[ENTRIES_ITEM],
        purpose=draw.survey.consent_purpose,
        context={"survey": str(draw.survey.public_id), "ok": check.ok},
    )
    return check
