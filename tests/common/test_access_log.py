"""The access log that `kliento serve` writes keeps no link keys or tokens."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from gunicorn.config import Config

from kliento.common.gunicorn_logging import REDACTED, RedactingLogger, redact

KEY = "MQ:1tXyZ9:abcDEFghiJKL0123456789"


def test_secret_paths_and_query_values_are_redacted() -> None:
    assert redact(f"GET /accounts/confirm-email/{KEY}/ HTTP/1.1") == (
        f"GET /accounts/confirm-email/{REDACTED}/ HTTP/1.1"
    )
    assert KEY not in redact(f"/accounts/password/reset/key/{KEY}/")
    assert KEY not in redact(f"/merchant/invitations/{KEY}/")
    assert KEY not in redact(f"GET /staff/setup/{KEY}/ HTTP/1.1")
    assert redact(f"/x/?page=2&token={KEY}&q=1") == f"/x/?page=2&token={REDACTED}&q=1"
    # ordinary paths pass untouched
    assert redact("/profile/activity/?kind=visit&page=2") == "/profile/activity/?kind=visit&page=2"


def test_the_logger_redacts_the_request_line_path_and_referer() -> None:
    logger = RedactingLogger(Config())
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/accounts/confirm-email/{KEY}/",
        "PATH_INFO": f"/accounts/confirm-email/{KEY}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://kliento.fi/accounts/confirm-email/{KEY}/",
    }
    request = SimpleNamespace(
        headers=[("REFERER", environ["HTTP_REFERER"]), ("AUTHORIZATION", "Bearer kl_x_y")]
    )
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])

    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=5))

    assert all(KEY not in str(value) for value in atoms.values())
    assert atoms["r"] == f"GET /accounts/confirm-email/{REDACTED}/ HTTP/1.1"
    assert "{authorization}i" not in atoms
