"""The cookie banner's choice, kept in one strictly necessary cookie.

The cookie holds only "accept" or "reject"; it is readable by the page's script so
elements marked ``data-consent="non_essential_cookies"`` are switched on only after
acceptance. For a signed-in person the choice is also a consent event.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PURPOSE_KEY = "non_essential_cookies"
COOKIE_NAME = "kliento_cookies"
MAX_AGE = 60 * 60 * 24 * 365  # a choice is asked again after a year


def choice_of(request: HttpRequest) -> str | None:
    """ "accept", "reject", or None when this browser has not answered the banner."""
    value = request.COOKIES.get(COOKIE_NAME)
    return value if value in ("accept", "reject") else None


def remember(response: HttpResponse, *, accepted: bool) -> None:
    response.set_cookie(
        COOKIE_NAME,
        "accept" if accepted else "reject",
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # the page's script reads it to switch gated elements on
        samesite="Lax",
    )
