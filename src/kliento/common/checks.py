"""Deploy checks of our own (``kliento check --deploy``).

- With the production storage (whitenoise's manifest), a page that names a static file no
  manifest knows raises an error: every HTML page would answer 500. ``kliento collectstatic
  --no-input`` writes the manifest; W001 refuses a deployment that skipped it.
- Rate limits (logins, failed tokens, API throttles) count in Django's cache. Without
  ``REDIS_URL`` that is each process's own memory, so with several gunicorn workers every
  limit multiplies; W002 refuses that.
"""

from __future__ import annotations

import os
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


@register(Tags.caches, deploy=True)
def rate_limits_shared(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    workers = int(os.environ.get("KLIENTO_WORKERS", "2"))
    if settings.REDIS_URL or workers <= 1:
        return []
    return [
        CheckWarning(
            f"Rate limits are counted per process: {workers} workers without REDIS_URL "
            "multiply every limit by the number of processes.",
            hint="Set REDIS_URL (redis://host:6379/0), or KLIENTO_WORKERS=1.",
            id="kliento.W002",
        )
    ]
