"""``kliento surveys check-draw <id>`` reproduces a prize draw from its records;
``kliento surveys purge`` deletes answers past their retention."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kliento.audit.actors import Actor
from kliento.surveys import draws, services
from kliento.surveys.models import Draw


class Command(BaseCommand):
    help = "Surveys and prize draws: reproduce a draw, or delete expired answers."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser(
            "check-draw",
            help="Recompute a draw's entrants and winners and compare them with the record.",
        )
        check.add_argument("survey", type=UUID, help="The survey's public id.")
        actions.add_parser("purge", help="Delete answers and entries past their retention.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check-draw":
            self.check_draw(options["survey"])
        else:
            deleted = services.responses_purge_expired(
                today=timezone.localdate(), actor=Actor.system("surveys-purge")
            )
            self.stdout.write(f"Deleted {deleted} expired responses.")

    def check_draw(self, survey_id: UUID) -> None:
        draw = Draw.objects.select_related("survey").filter(survey__public_id=survey_id).first()
        if draw is None:
            raise CommandError(f"No draw has been run for survey {survey_id}.")
        check = draws.draw_reproduce(draw=draw)
        self.stdout.write(f"algorithm      {draw.algorithm}")
        self.stdout.write(f"seed           {draw.seed}")
        self.stdout.write(f"entrants       {len(draw.entrants)}")
        self.stdout.write(f"entrants hash  {draw.entrants_hash}")
        self.stdout.write(f"winners        {' '.join(draw.winners) or '-'}")
        self.stdout.write(f"hash matches              {'yes' if check.hash_matches else 'NO'}")
        self.stdout.write(f"entrants match (at draw)  {'yes' if check.entrants_match else 'NO'}")
        self.stdout.write(f"winners match (from seed) {'yes' if check.winners_match else 'NO'}")
        self.stdout.write(f"audit log matches         {'yes' if check.log_matches else 'NO'}")
        if not check.ok:
            raise CommandError("The draw does not reproduce.")
