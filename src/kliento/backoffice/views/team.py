"""The Team page (/staff/team/, administrators only): the staff with their roles, last
login, two-factor and invitation state; invite by e-mail, change a role, remove.

And the setup link (/staff/setup/<token>/) an invitee opens: choose a password, which
logs them in, then TOTP (StaffMfaMiddleware holds every staff page until it is on).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.reauthentication import reauthenticate_by_password
from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kliento.accounts import staff as services
from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.accounts.selectors import staff_member, staff_roles_of, staff_team
from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.staff_mail import setup_link_send
from kliento.backoffice.team_forms import InviteForm, RoleForm, SetupForm
from kliento.backoffice.views.people import staff_nav
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error

ADMIN = StaffRole.ADMINISTRATOR


def _member_or_404(public_id: UUID) -> User:
    member = staff_member(public_id=public_id)
    if member is None:
        raise Http404
    return member


def _invitation_state(member: Any) -> str:
    """The invitation state of one row of ``staff_team()``: "active", "invited" or
    "expired", by their newest setup link, or for staff made without a link by whether
    they can log in."""
    if member.link_used_at is not None:
        return "active"
    if member.link_expires_at is None:
        return "active" if member.has_usable_password() else "expired"
    return "invited" if member.link_expires_at > timezone.now() else "expired"


def _row(member: User) -> dict[str, Any]:
    roles = staff_roles_of(member)  # the groups are prefetched: no query
    return {
        "member": member,
        "roles": roles,
        "state": _invitation_state(member),
        "role_form": RoleForm(
            initial={"role": next(iter(roles), ADMIN)}, auto_id=f"id_{member.public_id}_%s"
        ),
    }


def _team_page(
    request: HttpRequest, staff: Staff, form: InviteForm | None = None, status: int = 200
) -> HttpResponse:
    rows = [_row(member) for member in staff_team()]
    language = getattr(request, "LANGUAGE_CODE", "fi")
    context = {
        "rows": rows,
        "form": form or InviteForm(initial={"language": language, "role": ""}),
        "me": staff.user,
        **staff_nav(staff),
    }
    return render(request, "staff/team.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
@staff_view(ADMIN)
def team(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The staff list and the invitation form."""
    return _team_page(request, staff)


@never_cache
@require_POST
@staff_view(ADMIN)
def invite(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Invite by e-mail with a role; the invitee gets a one-time setup link by mail."""
    form = InviteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user, token = services.staff_invite(
                email=data["email"], role=data["role"], language=data["language"],
                actor=staff.actor,
            )  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error)
        else:
            setup_link_send(user=user, token=token, base_url=request.build_absolute_uri("/"))
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("staff_team:list")
    return _team_page(request, staff, form, status=400)


@require_POST
@staff_view(ADMIN)
def role_change(request: HttpRequest, staff: Staff, member_id: UUID) -> HttpResponse:
    """Make the chosen role the member's only role."""
    member = _member_or_404(member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the staff roles."))
        return redirect("staff_team:list")
    try:
        services.staff_role_change(user=member, role=form.cleaned_data["role"], actor=staff.actor)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(email)s is now %(role)s.")
            % {"email": member.email, "role": StaffRole(form.cleaned_data["role"]).label},
        )
    return redirect("staff_team:list")


@require_POST
@staff_view(ADMIN)
def resend(request: HttpRequest, staff: Staff, member_id: UUID) -> HttpResponse:
    """A new setup link for a member who has not set up their login; the old one ends."""
    member = _member_or_404(member_id)
    try:
        token = services.staff_setup_link_renew(user=member, actor=staff.actor)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        setup_link_send(user=member, token=token, base_url=request.build_absolute_uri("/"))
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": member.email})
    return redirect("staff_team:list")


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view(ADMIN)
def remove(request: HttpRequest, staff: Staff, member_id: UUID) -> HttpResponse:
    """Ask, then take away staff status and roles; the login stays as a person's account."""
    member = _member_or_404(member_id)
    error_message = None
    if request.method == "POST":
        try:
            services.staff_remove(user=member, actor=staff.actor)
        except DomainError as error:
            error_message = str(error.message)
        else:
            messages.success(request, _("%(email)s is no longer staff.") % {"email": member.email})
            if member.pk == staff.user.pk:
                return redirect("home")
            return redirect("staff_team:list")
    context = {
        "member": member,
        "roles": staff_roles_of(member),
        "error": error_message,
        "is_me": member.pk == staff.user.pk,
        **staff_nav(staff),
    }
    return render(request, "staff/team_remove.html", context, status=409 if error_message else 200)


# --- the setup link -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a password through a one-time link, then on to TOTP.

    A used, expired or unknown link gets a page that says so (410 or 404), never a form.
    The token is in the path, so the page sends a Referer to no other site ("same-origin":
    "no-referrer" would make the form's Origin "null" and fail CSRF), the access log
    redacts it, and a refused password re-renders with 200 (Django logs a 4xx with its
    path, and this token still works).
    """
    try:
        link = services.staff_setup_token_check(token=token)
    except DomainError as error:
        response = render(
            request, "staff/setup_invalid.html", {"message": error.message}, status=error.status
        )
        response["Referrer-Policy"] = "same-origin"
        return response
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_setup_complete(
                token=token,
                password=form.cleaned_data["password1"],
                client_ip=get_adapter().get_client_ip(request),
            )
        except DomainError as error:
            if error.details.get("field") == "password":
                for message in error.details.get("errors", [error.message]):
                    form.add_error("password1", str(message))
            else:
                return render(
                    request, "staff/setup_invalid.html", {"message": error.message},
                    status=error.status,
                )  # fmt: skip
        else:
            if request.user.is_authenticated and request.user.pk != user.pk:
                logout(request)
            response = perform_login(request, user, redirect_url=reverse("mfa_activate_totp"))
            if request.user.is_authenticated:
                # They have just typed their password: TOTP activation needs no second ask.
                reauthenticate_by_password(request)
            messages.success(
                request, _("Your password is set. Now set up two-factor authentication.")
            )
            return response
    response = render(
        request,
        "staff/setup.html",
        {"form": form, "email": link.user.email},
    )
    response["Referrer-Policy"] = "same-origin"
    return response
