"""``kliento privacy``: the erasure journal after a backup is restored.

``kliento privacy erasure-journal --out FILE`` writes the journal (one JSON object a
line: a keyed hash of each erased subject's id and when). Keep that file with the
backups, outside the database. After restoring a backup, ``kliento privacy
replay-erasures --from FILE`` adds the entries the restored database lacks and erases
again every subject the journal names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kliento.audit.actors import Actor
from kliento.privacy.models import ErasureJournal
from kliento.privacy.services import JournalLine, erasures_replay, journal_merge


class Command(BaseCommand):
    help = "Privacy operations: the erasure journal and its replay after a restore."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        replay = actions.add_parser(
            "replay-erasures",
            help="Erase again every subject in the erasure journal (run after a restore).",
        )
        replay.add_argument(
            "--from",
            dest="source",
            type=Path,
            help="A journal file written by `erasure-journal --out`, merged in first.",
        )
        dump = actions.add_parser(
            "erasure-journal", help="Write the erasure journal as JSON lines."
        )
        dump.add_argument("--out", type=Path, required=True, help="The file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "replay-erasures":
            self.replay(options["source"])
        else:
            self.write_journal(options["out"])

    def replay(self, source: Path | None) -> None:
        if source is not None:
            try:
                lines = [
                    JournalLine(entry["subject_hash"], entry["erased_at"])
                    for entry in map(json.loads, source.read_text().splitlines())
                ]
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise CommandError(f"Cannot read the journal file {source}: {error}") from None
            added = journal_merge(lines)
            self.stdout.write(f"Journal entries added from {source}: {added}")
        replayed = erasures_replay(actor=Actor.system("privacy replay-erasures"))
        self.stdout.write(
            f"Subjects erased again: {len(replayed)} "
            f"(journal entries: {ErasureJournal.objects.count()})"
        )

    def write_journal(self, out: Path) -> None:
        entries = ErasureJournal.objects.order_by("pk").values_list("subject_hash", "erased_at")
        with out.open("w") as handle:
            for subject_hash, erased_at in entries.iterator(chunk_size=5000):
                handle.write(
                    json.dumps({"subject_hash": subject_hash, "erased_at": erased_at.isoformat()})
                    + "\n"
                )
        self.stdout.write(f"Wrote {ErasureJournal.objects.count()} journal entries to {out}")
