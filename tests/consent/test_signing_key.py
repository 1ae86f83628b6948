"""The receipt signing key: production refuses to start without it; a local instance
gets one made for it, also when the instance is older than receipts."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from kliento.config import instance


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLIENTO_")}
    env.update(
        KLIENTO_ENV_FILE="",
        KLIENTO_SECRET_KEY=secrets.token_urlsafe(64),
        KLIENTO_ALLOWED_HOSTS="kliento.fi",
        KLIENTO_ENCRYPTION_KEYS="k1:" + base64.b64encode(os.urandom(32)).decode(),
        KLIENTO_BLIND_INDEX_KEY=secrets.token_urlsafe(32),
        DJANGO_SETTINGS_MODULE="kliento.config.settings",
    )
    env.update(extra)
    return env


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def pem() -> str:
    return (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def test_production_refuses_to_start_without_the_signing_key() -> None:
    result = load_settings(production_env())

    assert result.returncode != 0
    assert "KLIENTO_CONSENT_SIGNING_KEY" in result.stderr


def test_production_refuses_a_key_that_is_not_a_pem_private_key() -> None:
    result = load_settings(production_env(KLIENTO_CONSENT_SIGNING_KEY="hunter2"))

    assert result.returncode != 0
    assert "PEM" in result.stderr


def test_production_reads_the_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "consent.pem"
    key_file.write_text(pem())

    result = load_settings(production_env(KLIENTO_CONSENT_SIGNING_KEY_FILE=str(key_file)))

    assert result.returncode == 0, result.stderr


def test_instance_init_adds_a_key_to_an_older_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLIENTO_INSTANCE_DIR", str(tmp_path))
    (tmp_path / "kliento.env").write_text("KLIENTO_DEBUG=1\n")

    assert instance.init() is False
    assert instance.init() is False  # a second run changes nothing

    lines = (tmp_path / "kliento.env").read_text().splitlines()
    assert lines[0] == "KLIENTO_DEBUG=1"
    assert lines[1:] == [f"KLIENTO_CONSENT_SIGNING_KEY_FILE={tmp_path / 'consent-signing-key.pem'}"]
    key = serialization.load_pem_private_key(
        (tmp_path / "consent-signing-key.pem").read_bytes(), password=None
    )
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert (tmp_path / "consent-signing-key.pem").stat().st_mode & 0o077 == 0


def test_a_new_instance_gets_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLIENTO_INSTANCE_DIR", str(tmp_path / "new"))

    assert instance.init() is True
    assert "KLIENTO_CONSENT_SIGNING_KEY_FILE=" in (tmp_path / "new" / "kliento.env").read_text()


def test_production_refuses_a_key_of_another_kind() -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    other = (
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )

    result = load_settings(production_env(KLIENTO_CONSENT_SIGNING_KEY=other))

    assert result.returncode != 0
    assert "P-256" in result.stderr
