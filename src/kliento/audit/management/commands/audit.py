"""``kliento audit verify``: check the whole hash chain of the audit log."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kliento.audit.models import AuditEntry
from kliento.audit.verification import chain_verify
from kliento.common.progress import ProgressBar

VERIFY_HELP = """\
Recompute the hash of every audit entry in order and check that each entry holds the
hash of the one before it, and that the chain head names the newest entry. Prints the
first broken entry (its number and what differs) and exits with status 2; exits with 0
when the whole chain verifies.
"""
BROKEN_EXIT_STATUS = 2


class Command(BaseCommand):
    help = "The audit log. `kliento audit verify` checks its hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser(
            "verify",
            help="Check the whole hash chain and name the first broken entry.",
            description=VERIFY_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        verify.add_argument(
            "--batch-size", type=int, default=5000, help="Entries read per query (default 5000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self.verify(batch_size=options["batch_size"])

    def verify(self, *, batch_size: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        bar = ProgressBar(
            "audit entries",
            AuditEntry.objects.count(),
            write=lambda text: self.stderr.write(text, style_func=str, ending=""),
            tty=self.stderr.isatty(),
        )
        checked = 0

        def progress(done: int) -> None:
            nonlocal checked
            bar.advance(done - checked)
            checked = done

        report = chain_verify(batch_size=batch_size, on_progress=progress)
        bar.finish()
        if report.broken is not None:
            raise CommandError(
                f"The audit chain is broken at entry #{report.broken.seq}: "
                f"{report.broken.reason}; {report.detail}. "
                f"{report.checked} entries before it verified.",
                returncode=BROKEN_EXIT_STATUS,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"The audit chain verifies: {report.checked} entries checked, "
                f"chain head #{report.head_seq} confirmed."
            )
        )
