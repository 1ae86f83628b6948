"""Staff pages need a staff account with MFA; the Django admin needs an administrator."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

STAFF_PREFIXES = ("/staff/", "/admin/")


class StaffMfaMiddleware:
    """Send a signed-in staff user without MFA to set it up before any staff page.

    Views still check the role; this only makes MFA a precondition that no staff view
    can forget.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(STAFF_PREFIXES)
            and user.is_authenticated
            and user.is_staff
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request, _("Staff pages need two-factor authentication. Set it up first.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
