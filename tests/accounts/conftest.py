"""Fixtures for account tests: English pages, a clean rate-limit cache, small helpers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

LINK = re.compile(r"https?://[^\s]+")


@pytest.fixture(autouse=True)
def _english_and_clean_cache(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    # Pages fall back to Finnish; these tests read allauth's English strings. Rate-limit
    # counters live in the cache and must not leak from one test into the next.
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    yield
    cache.clear()


def client_from(ip: str) -> Client:
    """A browser at address ``ip`` (allauth rate limits key on REMOTE_ADDR)."""
    return Client(REMOTE_ADDR=ip)


def log_in(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": email, "password": password})


def last_mail_link(path_part: str) -> str:
    """The first link in the newest mail whose path contains ``path_part``."""
    body = mail.outbox[-1].body
    links = [link for link in LINK.findall(body) if path_part in link]
    assert links, body
    return links[0].replace("http://testserver", "").replace("https://testserver", "")
