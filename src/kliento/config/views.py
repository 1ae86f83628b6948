"""The front page. It lives in the composition root because a signed-in user's way on
depends on every app: their own profile and cards, the merchants they work for, the
back-office when they are staff."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kliento.accounts.models import User
from kliento.merchants.selectors import memberships_of


def home(request: HttpRequest) -> HttpResponse:
    """The consumer portal's front page; signed in, it links to where the user works."""
    user = request.user
    context: dict[str, object] = {}
    if isinstance(user, User):
        context = {
            "memberships": list(memberships_of(user=user)),
            "is_staff": user.is_active and user.is_staff,
        }
    return render(request, "common/home.html", context)
