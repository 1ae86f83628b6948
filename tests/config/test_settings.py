"""Production settings: refuse to start without their secrets, read ``*_FILE`` secrets, and
pass ``check --deploy`` with no warnings.

Each case runs ``kliento check`` in a fresh process with a crafted environment and
``KLIENTO_ENV_FILE=`` (empty), so no local instance file fills in what is missing.
"""

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

KLIENTO = Path(sys.executable).parent / "kliento"
# What the process may keep from the outside: nothing that configures Kliento.
PASS_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def consent_key_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Static files collected once, as the documented release step does."""
    root = tmp_path_factory.mktemp("static")
    env = {name: os.environ[name] for name in PASS_THROUGH if name in os.environ}
    env.update(
        {
            "KLIENTO_ENV_FILE": "",
            "KLIENTO_HOME": str(root),
            "KLIENTO_SECRET_KEY": secrets.token_urlsafe(64),
            "KLIENTO_ALLOWED_HOSTS": "kliento.fi",
            "KLIENTO_ENCRYPTION_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
            "KLIENTO_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
            "KLIENTO_CONSENT_SIGNING_KEY": consent_key_pem(),
            "KLIENTO_STATIC_ROOT": str(root / "static"),
            "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        }
    )
    result = kliento(env, "collectstatic", "--no-input")
    assert result.returncode == 0, result.stderr
    return root / "static"


@pytest.fixture
def production_env(tmp_path: Path, collected_static: Path) -> dict[str, str]:
    """The full production environment .ci/run gives the deploy check (SQLite here)."""
    env = {name: os.environ[name] for name in PASS_THROUGH if name in os.environ}
    env.update(
        {
            "KLIENTO_ENV_FILE": "",
            "KLIENTO_HOME": str(tmp_path),
            "KLIENTO_SECRET_KEY": secrets.token_urlsafe(64),
            "KLIENTO_ALLOWED_HOSTS": "kliento.fi",
            "KLIENTO_ENCRYPTION_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
            "KLIENTO_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
            "KLIENTO_CONSENT_SIGNING_KEY": consent_key_pem(),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "KLIENTO_STATIC_ROOT": str(collected_static),
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    return env


def kliento(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [str(KLIENTO), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_full_production_environment_passes_the_deploy_check(
    production_env: dict[str, str],
) -> None:
    result = kliento(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_refuses_a_release_without_collected_static_files(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["KLIENTO_STATIC_ROOT"] = str(tmp_path / "empty")

    result = kliento(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "kliento.W001" in result.stderr + result.stdout


def test_the_deploy_check_refuses_several_workers_without_shared_rate_limits(
    production_env: dict[str, str],
) -> None:
    del production_env["REDIS_URL"]
    production_env["KLIENTO_WORKERS"] = "2"

    result = kliento(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "kliento.W002" in result.stderr + result.stdout

    production_env["KLIENTO_WORKERS"] = "1"  # one process: its own memory is the truth
    result = kliento(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


def test_a_page_is_served_with_the_production_settings_the_documented_way(
    production_env: dict[str, str],
) -> None:
    # Given a release done as docs/operations.md says: migrate (collectstatic: the fixture)
    assert kliento(production_env, "migrate", "--no-input").returncode == 0
    # When the front page and the login page are fetched over HTTPS
    fetch = (
        "from django.test import Client; c = Client(); "
        "print([c.get(p, secure=True, headers={'host': 'kliento.fi'}).status_code "
        "for p in ('/', '/accounts/login/', '/privacy/')])"
    )
    result = kliento(production_env, "shell", "-c", fetch)
    # Then they render (a missing manifest entry would make them 500)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[200, 200, 200]", (
        result.stdout + result.stderr
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("KLIENTO_SECRET_KEY", "KLIENTO_SECRET_KEY (or KLIENTO_SECRET_KEY_FILE) must be set"),
        ("KLIENTO_ALLOWED_HOSTS", "KLIENTO_ALLOWED_HOSTS must list the host names served"),
        (
            "KLIENTO_ENCRYPTION_KEYS",
            "KLIENTO_ENCRYPTION_KEYS (or KLIENTO_ENCRYPTION_KEYS_FILE) must be set",
        ),
        (
            "KLIENTO_BLIND_INDEX_KEY",
            "KLIENTO_BLIND_INDEX_KEY (or KLIENTO_BLIND_INDEX_KEY_FILE) must be set",
        ),
    ],
)
def test_production_refuses_to_start_without_a_required_value(
    production_env: dict[str, str], missing: str, message: str
) -> None:
    del production_env[missing]

    result = kliento(production_env, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("KLIENTO_SECRET_KEY", "short", "at least 50 characters"),
        ("KLIENTO_ENCRYPTION_KEYS", "k1:not-base64!", "is not valid base64"),
        ("KLIENTO_ENCRYPTION_KEYS", "k1:" + base64.b64encode(b"x" * 16).decode(), "32 bytes"),
        ("KLIENTO_ENCRYPTION_KEYS", "no-key-id", "must be 'id:base64key,...'"),
        ("KLIENTO_ENCRYPTION_KEY_ID", "k9", "is not in KLIENTO_ENCRYPTION_KEYS"),
        ("KLIENTO_BLIND_INDEX_KEY", "short", "at least 32 characters"),
        ("KLIENTO_DEBUG", "maybe", "must be a boolean"),
        ("KLIENTO_EMAIL_BACKEND", "pigeon", "KLIENTO_EMAIL_BACKEND must be one of"),
        ("KLIENTO_TASKS_BACKEND", "cron", "KLIENTO_TASKS_BACKEND must be one of"),
    ],
)
def test_a_bad_value_is_refused_with_a_clear_message(
    production_env: dict[str, str], name: str, value: str, message: str
) -> None:
    production_env[name] = value

    result = kliento(production_env, "check")

    assert result.returncode != 0
    assert message in result.stderr


def test_secrets_can_come_from_files(production_env: dict[str, str], tmp_path: Path) -> None:
    # Given every secret in a file (as Docker or Kubernetes secrets mount them)
    for name in (
        "KLIENTO_SECRET_KEY",
        "KLIENTO_ENCRYPTION_KEYS",
        "KLIENTO_BLIND_INDEX_KEY",
        "KLIENTO_CONSENT_SIGNING_KEY",
    ):
        secret_file = tmp_path / f"{name.lower()}.txt"
        secret_file.write_text(production_env.pop(name) + "\n", encoding="utf-8")
        production_env[f"{name}_FILE"] = str(secret_file)

    # Then the service starts and passes the deploy check
    result = kliento(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr

    # And the values are the files' contents, without the trailing newline
    shown = kliento(
        production_env,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(len(settings.SECRET_KEY), "
        "sorted(settings.ENCRYPTION_KEYS), len(settings.BLIND_INDEX_KEY))",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == ["86", "['k1']", "43"]


def test_an_unreadable_secret_file_is_refused(production_env: dict[str, str]) -> None:
    del production_env["KLIENTO_SECRET_KEY"]
    production_env["KLIENTO_SECRET_KEY_FILE"] = "/nonexistent/secret"

    result = kliento(production_env, "check")

    assert result.returncode != 0
    assert "KLIENTO_SECRET_KEY_FILE='/nonexistent/secret' cannot be read" in result.stderr


def test_production_defaults_are_safe(production_env: dict[str, str]) -> None:
    shown = kliento(
        production_env,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_REFERRER_POLICY, s.EMAIL_BACKEND, s.KLIENTO_EMAIL_DELIVERY_BACKEND, "
        "s.TASKS['default']['BACKEND'])",
    )

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "63072000",
        "same-origin",
        "kliento.config.mail.QueuedEmailBackend",
        "django.core.mail.backends.console.EmailBackend",
        "django_tasks_db.DatabaseBackend",
    ]
