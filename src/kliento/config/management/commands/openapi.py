"""``kliento openapi``: write (or check) the committed OpenAPI document.

It lives in the composition root (an app of its own for this command), beside the API
it describes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from kliento.config.api import api


def openapi_document() -> str:
    """The live OpenAPI document as the stable text that is committed."""
    schema = api.get_openapi_schema(path_prefix=reverse("api:api-root"))
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "openapi.json"


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to docs/openapi.json (or --check it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None, help="default: docs/openapi.json")
        parser.add_argument(
            "--check", action="store_true", help="fail when the file differs from the live API"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"] or default_path()
        document = openapi_document()
        if options["check"]:
            if not path.is_file() or path.read_text(encoding="utf-8") != document:
                raise CommandError(f"{path} is out of date: run `make openapi` and commit it.")
            self.stdout.write(f"{path} is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
