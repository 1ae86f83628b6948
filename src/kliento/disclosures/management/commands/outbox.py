"""``kliento outbox deliver``: attempt every webhook message that is due."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from kliento.disclosures.outbox import outbox_deliver_due


class Command(BaseCommand):
    help = "Deliver the webhook messages that are due (retries included)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["deliver"])

    def handle(self, *args: Any, **options: Any) -> None:
        counts = outbox_deliver_due()
        self.stdout.write(
            "delivered {delivered}, retrying later {retrying}, failed {failed}".format(**counts)
        )
