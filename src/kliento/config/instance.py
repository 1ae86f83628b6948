"""A local instance folder with fresh secrets, for the demo and the test suite.

Production never uses this: it sets its secrets in the environment (or ``*_FILE``)
and ``KLIENTO_ENV_FILE=`` (empty) so no local file is read.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def instance_dir() -> Path:
    home = Path(os.environ.get("KLIENTO_HOME", Path.cwd()))
    return Path(os.environ.get("KLIENTO_INSTANCE_DIR", home / "instance"))


def env_file() -> Path:
    return instance_dir() / "kliento.env"


def init() -> bool:
    """Create ``instance/kliento.env`` unless it exists. True when it was created."""
    path = env_file()
    (path.parent / "static").mkdir(parents=True, exist_ok=True)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    lines = [
        "# Local demo and test instance. Made by `kliento instance init`; never for production.",
        f"KLIENTO_SECRET_KEY={secrets.token_urlsafe(50)}",
        "KLIENTO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver",
        f"KLIENTO_ENCRYPTION_KEYS=k1:{key}",
        "KLIENTO_ENCRYPTION_KEY_ID=k1",
        f"KLIENTO_BLIND_INDEX_KEY={secrets.token_urlsafe(32)}",
        "KLIENTO_DEBUG=1",
        "KLIENTO_HTTPS=0",
        "KLIENTO_WEBAUTHN_INSECURE_ORIGIN=1",
        "KLIENTO_EMAIL_BACKEND=file",
        # `make run` starts no worker: the demo runs its tasks (mail) right away.
        "KLIENTO_TASKS_BACKEND=immediate",
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return True
