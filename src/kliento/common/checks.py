"""Deploy checks of our own (``kliento check --deploy``).

With the production storage (whitenoise's manifest), a page that names a static file no
manifest knows raises an error: every HTML page would answer 500. ``kliento collectstatic
--no-input`` writes the manifest; this check refuses a deployment that skipped it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import storages


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    manifest = Path(settings.STATIC_ROOT) / storage.manifest_name
    if manifest.is_file():
        return []
    return [
        CheckWarning(
            f"Static files are not collected: {manifest} is missing, so every page would "
            "answer 500.",
            hint="Run `kliento collectstatic --no-input` on each release (docs/operations.md).",
            id="kliento.W001",
        )
    ]
