"""``kliento keys rotate``: wrap every data key again under the current key-encryption key."""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kliento.audit.actors import Actor
from kliento.backoffice import key_rotation
from kliento.common.progress import ProgressBar

ROTATE_HELP = """\
Wrap every data key, card key and MFA secret again under the current key-encryption
key (KEK): KLIENTO_ENCRYPTION_KEY_ID, or else the first key of KLIENTO_ENCRYPTION_KEYS.

Envelope encryption: each person's values are encrypted with their own data key, and
only that data key is encrypted ("wrapped") by a KEK. Rotation unwraps each data key
with its old KEK and wraps it with the new one; the values themselves are never
decrypted or re-encrypted, so a rotation touches one short row per person, not every
value.

Procedure: put the new key first in KLIENTO_ENCRYPTION_KEYS (keep the old ones after
it), restart, run this command, then remove the old key once no row uses it (the
command says so) and the backups that need it have expired.

Each batch commits in its own transaction; only rows not yet under the current KEK are
selected, so after an interruption simply run the command again to continue.
"""


class Command(BaseCommand):
    help = "Manage key-encryption keys. `kliento keys rotate --help` explains rotation."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        rotate = actions.add_parser(
            "rotate",
            help="Rewrap every data key under the current key-encryption key.",
            description=ROTATE_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        rotate.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Rows per transaction (default 1000).",
        )
        rotate.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be rewrapped and check the keys; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate":
            self.rotate(batch_size=options["batch_size"], dry_run=options["dry_run"])

    def rotate(self, *, batch_size: int, dry_run: bool) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            plan = key_rotation.rotation_plan()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Current key-encryption key: {plan.to_kek_id}")
        for target in key_rotation.targets():
            pending = plan.pending[target.key]
            under = ", ".join(f"{n} under {kek_id}" for kek_id, n in sorted(pending.items()))
            self.stdout.write(
                f"  {target.label + 's':<12} {plan.total(target.key):>8} to rewrap"
                + (f" ({under})" if under else "")
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return

        actor = Actor.system("keys rotate")
        done: dict[str, int] = {}
        for target in key_rotation.targets():
            total = plan.total(target.key)
            if total == 0:
                done[target.key] = 0
                continue
            bar = ProgressBar(
                f"{target.label}s",
                total,
                write=lambda text: self.stderr.write(text, style_func=str, ending=""),
                tty=self.stderr.isatty(),
            )
            try:
                for batch in key_rotation.rotate(target=target, batch_size=batch_size, actor=actor):
                    bar.advance(batch.rotated)
            except ImproperlyConfigured as error:
                raise CommandError(
                    f"{error} (Batches committed before this one are kept; run the command "
                    "again after fixing the key to continue.)"
                ) from None
            bar.finish()
            done[target.key] = bar.done

        summary = ", ".join(f"{done[t.key]} {t.label}s" for t in key_rotation.targets())
        self.stdout.write(self.style.SUCCESS(f"Rewrapped {summary} under {plan.to_kek_id}."))
        in_use = key_rotation.kek_ids_in_use()
        unused = [kek_id for kek_id in settings.ENCRYPTION_KEYS if kek_id not in in_use]
        if unused:
            self.stdout.write(
                "No row uses " + ", ".join(unused) + " any more: remove it from "
                "KLIENTO_ENCRYPTION_KEYS once the backups that need it have expired."
            )
