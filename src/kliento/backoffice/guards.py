"""The one guard of every back-office page: a signed-in, active staff user holding one of
the page's roles; 403 for other staff, 404 for member and merchant accounts.

StaffMfaMiddleware has demanded MFA for /staff/ before a view runs; this decides which
staff member may open which page, and in which role they act (the first of the page's
roles they hold, so a user with two roles acts in the one the page lists first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.accounts.selectors import staff_roles_of
from kliento.audit.actors import Actor

P = ParamSpec("P")


@dataclass(frozen=True)
class Staff:
    """Who opened a back-office page, the role they act in, and every role they hold."""

    user: User
    role: StaffRole
    held: tuple[StaffRole, ...]
    request: HttpRequest

    @property
    def actor(self) -> Actor:
        """The audit actor of this request: the user in the role the page was opened in."""
        return Actor.staff(self.user, self.role.value, self.request)

    def holds(self, *roles: StaffRole) -> bool:
        """True when the user holds any of ``roles`` (to show links to other areas)."""
        return any(role in self.held for role in roles)


def staff_in(request: HttpRequest, roles: tuple[StaffRole, ...]) -> Staff:
    """The staff member behind ``request`` acting in the first of ``roles`` they hold.

    A staff member without the role gets 403 (they know the back-office exists); a member
    or merchant account gets 404: for them the back-office is not there at all."""
    user = request.user
    if not isinstance(user, User) or not (user.is_active and user.is_staff):
        raise Http404
    held = tuple(staff_roles_of(user))
    role = next((role for role in roles if role in held), None)
    if role is None:
        raise PermissionDenied
    return Staff(user, role, held, request)


def staff_view(
    *roles: StaffRole,
) -> Callable[
    [Callable[Concatenate[HttpRequest, Staff, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """Open the view to staff holding one of ``roles``; the view gets the :class:`Staff`
    as its second argument. Anonymous users go to the login page first."""

    def decorator(
        view: Callable[Concatenate[HttpRequest, Staff, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            return view(request, staff_in(request, roles), *args, **kwargs)

        wrapped: Any = login_required(guarded)
        return wrapped

    return decorator
