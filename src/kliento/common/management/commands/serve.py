"""``kliento serve``: the web app under gunicorn."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Kliento with gunicorn (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("KLIENTO_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("KLIENTO_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("KLIENTO_THREADS", "4"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        argv = [
            gunicorn,
            "kliento.config.wsgi:application",
            "--bind", options["bind"],
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--access-logfile", "-",
            "--logger-class", "kliento.common.gunicorn_logging.RedactingLogger",
        ]  # fmt: skip
        self.stdout.write(f"Serving Kliento on http://{options['bind']}/")
        os.execv(gunicorn, argv)  # noqa: S606 (replaces this process with gunicorn)
