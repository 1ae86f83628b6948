"""The access log that `kliento serve` writes keeps no link keys or tokens."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from kliento.common.gunicorn_logging import REDACTED, RedactingLogger, redact

KEY = "MQ:1tXyZ9:abcDEFghiJKL0123456789"


def test_secret_paths_and_query_values_are_redacted() -> None:
    assert redact(f"GET /accounts/confirm-email/{KEY}/ HTTP/1.1") == (
        f"GET /accounts/confirm-email/{REDACTED}/ HTTP/1.1"
    )
    assert KEY not in redact(f"/accounts/password/reset/key/{KEY}/")
    assert KEY not in redact(f"/merchant/invitations/{KEY}/")
    assert redact(f"/x/?page=2&token={KEY}&sort=1") == f"/x/?page=2&token={REDACTED}&sort=1"
    assert KEY not in redact(f"GET /staff/setup/{KEY}/ HTTP/1.1")
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


def test_request_fee_unsubscribe_and_setup_links_and_search_terms_are_redacted() -> None:
    for path in (
        f"/requests/verify/{KEY}/",
        f"/requests/fee/{KEY}/",
        f"/u/{KEY}/",
        f"/staff/setup/{KEY}/",
        f"/merchants/apply/verify/{KEY}/",
        f"/some/new/link/{KEY}/",  # any signed token, wherever a new page puts it
        "/x/" + "A1b2C3d4" * 6 + "/",  # any long random key
    ):
        assert REDACTED in redact(f"GET {path} HTTP/1.1"), path
        assert KEY not in redact(path)
    line = "GET /merchant/customers/?q=liisa%40example.fi&page=2 HTTP/1.1"
    assert redact(line) == f"GET /merchant/customers/?q={REDACTED}&page=2 HTTP/1.1"
    assert "9246" not in redact("/api/v1/merchant/customers?search=9246123456789012")
    # public ids stay readable
    uuid_path = "/staff/people/0b6a8a8e-4f0e-4c7e-9a53-2f3c1d0e9b11/"
    assert redact(uuid_path) == uuid_path


def test_every_log_line_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from kliento.common.gunicorn_logging import RedactingFilter

    logger = logging.getLogger("django.request")
    handler = logging.Handler()
    records: list[logging.LogRecord] = []
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("Not Found: %s", f"/requests/verify/{KEY}/")
    finally:
        logger.removeHandler(handler)
    [record] = records
    assert KEY not in record.getMessage()
    assert REDACTED in record.getMessage()
