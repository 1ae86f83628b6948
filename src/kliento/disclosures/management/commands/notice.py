"""``kliento notice publish``: publish the generated privacy notice when it changed."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from kliento.disclosures.notice import notice_publish


class Command(BaseCommand):
    help = "Publish the generated privacy notice as a new version if its content changed."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["publish"])

    def handle(self, *args: Any, **options: Any) -> None:
        version, created = notice_publish()
        if created:
            self.stdout.write(f"Published privacy notice version {version.number}.")
        else:
            self.stdout.write(f"Unchanged: version {version.number} is current.")
