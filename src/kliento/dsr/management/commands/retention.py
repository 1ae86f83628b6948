"""``kliento retention run [--dry-run]``: delete or anonymise what has expired."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kliento.audit.actors import Actor
from kliento.common.progress import ProgressBar
from kliento.dsr.retention import RecordKind, retention_plan, retention_run

RUN_HELP = """\
Walk every kind of record the apps declare (each in its personal_data.py; see
kliento.dsr.retention) and delete or anonymise the rows whose retention period has
passed, in batches (each batch one transaction and one audit entry). With --dry-run,
only count what would change.
"""


class Command(BaseCommand):
    help = "Retention. `kliento retention run` deletes or anonymises expired records."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser(
            "run",
            help="Delete or anonymise what has expired.",
            description=RUN_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        run.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")
        run.add_argument(
            "--batch-size", type=int, default=1000, help="Rows per transaction (default 1000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        plan = retention_plan()
        if options["dry_run"]:
            for report in plan:
                self.stdout.write(
                    f"{report.kind.key}: {report.expired} to {report.kind.action} "
                    f"(older than {report.kind.period.days} days)"
                )
            self.stdout.write("Dry run: nothing was changed.")
            return
        bar = ProgressBar(
            "expired records",
            sum(report.expired for report in plan),
            write=lambda text: self.stderr.write(text, style_func=str, ending=""),
            tty=self.stderr.isatty(),
        )

        def progress(kind: RecordKind, rows: int) -> None:
            bar.advance(rows)

        reports = retention_run(
            actor=Actor.system("retention"), batch_size=options["batch_size"], on_progress=progress
        )
        bar.finish()
        for report in reports:
            self.stdout.write(f"{report.kind.key}: {report.changed} {report.kind.action}d")
        self.stdout.write(self.style.SUCCESS("Retention run finished."))
