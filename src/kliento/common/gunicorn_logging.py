"""Gunicorn's access log without the secrets that some URLs carry.

E-mail confirmation, password reset and invitation links hold their key in the path, and
the page after them gets that path as its Referer. The access log keeps the request but
not the key: secret path segments and secret query parameters read ``[redacted]``.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_SECRET_PATH = re.compile(
    r"(/accounts/confirm-email/|/accounts/password/reset/key/|/invitations/|/staff/setup/)[^/?\s\"]+"
)
_SECRET_QUERY = re.compile(r"(?i)([?&](?:key|token|code|secret|signature)=)[^&\s\"]*")


def redact(text: str) -> str:
    """The text with secret path segments and secret query values replaced."""
    return _SECRET_QUERY.sub(rf"\g<1>{REDACTED}", _SECRET_PATH.sub(rf"\g<1>{REDACTED}", text))


class RedactingLogger(Logger):
    """The standard access log, with every text atom passed through :func:`redact`."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in list(atoms.items()):
            if isinstance(value, str):
                atoms[name] = redact(value)
        atoms.pop("{authorization}i", None)
        return atoms
