"""Logs without the secrets and personal data that some URLs carry.

E-mail confirmation, password reset, invitation, request verification, fee, unsubscribe
and setup links hold their key in the path, and the page after them gets that path as its
Referer; search pages carry an e-mail address or a card number in the query. The access
log (gunicorn) and every other log line (the ``redact`` filter on the console handler)
keep the request but not the key nor the searched value: they read ``[redacted]``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_SECRET_PATH = re.compile(
    r"(/accounts/confirm-email/|/accounts/password/reset/key/|/invitations/"
    r"|/requests/verify/|/requests/fee/|/u/|/setup/|/verify/)[^/?\s\"]+"
)
# Any other path segment that looks like a signed token (Django's signing puts ":" in
# it) or a long random key; public ids (UUIDs) stay readable.
_TOKEN_SEGMENT = re.compile(
    r"(?<=/)(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?:[/?\s\"]|$))"
    r"(?=[^/?\s\"]*:[^/?\s\"]*)[A-Za-z0-9_:.=-]{16,}|(?<=/)[A-Za-z0-9_-]{40,}(?=[/?\s\"]|$)"
)
_SECRET_QUERY = re.compile(
    r"(?i)([?&](?:key|token|code|secret|signature|q|search|email|phone|card|value)=)[^&\s\"]*"
)


def redact(text: str) -> str:
    """The text with secret path segments and secret or searched query values replaced."""
    text = _SECRET_PATH.sub(rf"\g<1>{REDACTED}", text)
    text = _TOKEN_SEGMENT.sub(REDACTED, text)
    return _SECRET_QUERY.sub(rf"\g<1>{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Every log line through :func:`redact` (Django's "Not Found: /path", warnings that
    quote a URL): the formatted message replaces the template and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class RedactingLogger(Logger):
    """The standard access log, with every text atom passed through :func:`redact`."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in list(atoms.items()):
            if isinstance(value, str):
                atoms[name] = redact(value)
        atoms.pop("{authorization}i", None)
        return atoms
