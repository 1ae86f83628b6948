"""A local instance folder with fresh secrets, for the demo and the test suite.

Production never uses this: it sets its secrets in the environment (or ``*_FILE``)
and ``KLIENTO_ENV_FILE=`` (empty) so no local file is read.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


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
        _add_consent_signing_key(path)  # instances made before receipts were signed
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
    _add_consent_signing_key(path)
    return True


def _add_consent_signing_key(path: Path) -> None:
    """A fresh P-256 key for consent receipts, in a PEM file the env file names."""
    if "KLIENTO_CONSENT_SIGNING_KEY" in path.read_text(encoding="utf-8"):
        return
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_file = path.parent / "consent-signing-key.pem"
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"KLIENTO_CONSENT_SIGNING_KEY_FILE={key_file.resolve()}\n")
