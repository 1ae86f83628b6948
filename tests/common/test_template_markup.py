"""Markup rules the operator journey's axe-core run found broken once: kept here as fast
checks so that no template slips back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template.loader import render_to_string
from django.test import RequestFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "kliento" / "templates"
TABLE_WRAP = re.compile(r"<div\b[^>]*\bclass=\"table-wrap[\" ][^>]*>")


def test_every_scrolling_table_wrap_is_reachable_by_keyboard() -> None:
    """A .table-wrap scrolls sideways on a phone; without tabindex a keyboard user cannot
    scroll it (axe: scrollable-region-focusable)."""
    missing = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for tag in TABLE_WRAP.findall(path.read_text(encoding="utf-8"))
        if 'tabindex="0"' not in tag
    ]
    assert missing == []


@pytest.mark.django_db
def test_flash_messages_are_a_list_inside_a_status_region() -> None:
    """role=status on the <ul> itself would take away its list role, leaving the <li>
    outside any list (axe: listitem)."""
    request = RequestFactory().get("/")
    request.session = {}  # type: ignore[attr-defined]
    storage = FallbackStorage(request)
    storage.add(25, "Saved.")
    request._messages = storage  # type: ignore[attr-defined]
    html = render_to_string("base.html", {"messages": storage}, request=request)
    found = re.search(
        r"<div role=\"status\">\s*<ul class=\"messages\">\s*<li[^>]*>Saved\.</li>", html
    )
    assert found, html
