"""Text messages through a small provider interface; the default backend writes a file.

``KLIENTO_SMS_BACKEND`` (a dotted path, in settings or the environment) chooses the
provider; the file backend appends one JSON line per message to ``KLIENTO_SMS_FILE_PATH``
(default: ``<instance dir>/sms/outbox.jsonl``). A provider hands replies to
:func:`kliento.marketing.services.sms_reply_receive`, which honours the stop keywords.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# A reply that is one of these words (any case) stops all marketing to that number.
STOP_KEYWORDS = frozenset({"STOP", "LOPETA", "SEIS", "STOPP", "SLUTA"})


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, sender: str) -> str:
        """Send one message; return the provider's message id; raise on failure."""
        ...


class FileSmsBackend:
    """Appends each message as a JSON line: for development, demos and tests."""

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        configured = getattr(settings, "KLIENTO_SMS_FILE_PATH", None) or os.environ.get(
            "KLIENTO_SMS_FILE_PATH"
        )
        self.path = Path(path or configured or Path(settings.INSTANCE_DIR) / "sms" / "outbox.jsonl")

    def send(self, *, to: str, text: str, sender: str) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        message_id = f"file-{timezone.now().timestamp():.6f}"
        line = json.dumps(
            {"id": message_id, "to": to, "from": sender, "text": text}, ensure_ascii=False
        )
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
        return message_id


def sms_backend() -> SmsBackend:
    """The configured provider (the file backend unless settings name another)."""
    dotted = getattr(settings, "KLIENTO_SMS_BACKEND", None) or os.environ.get(
        "KLIENTO_SMS_BACKEND", "kliento.marketing.sms.FileSmsBackend"
    )
    backend: SmsBackend = import_string(dotted)()
    return backend


def is_stop_keyword(text: str) -> bool:
    return text.strip().strip(".!").upper() in STOP_KEYWORDS
