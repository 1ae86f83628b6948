"""The merchant portal (/merchant/): the start page, premises, staff, terminals.

Every page under /merchant/<merchant id>/ first finds the signed-in user's membership
at that merchant: a non-member gets 404, a cashier on an owner's or manager's page 403.
Views parse, call a service or selector, and render; a refusal becomes a form error.
The dashboard, the loyalty programs, the check-in screen and the visits are pages of
the visits app (its views_merchant.py and views_checkin.py), which builds on these.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.merchants import selectors, services
from kliento.merchants.forms import InvitationForm, PremisesForm, TerminalForm
from kliento.merchants.models import Invitation, Membership, Premises

P = ParamSpec("P")
MemberView = Callable[Concatenate[HttpRequest, Membership, P], HttpResponse]
UrlView = Callable[Concatenate[HttpRequest, UUID, P], HttpResponse]


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required lets only signed-in users here
        raise PermissionDenied
    return user


def member_view(*, manager: bool = False) -> Callable[[MemberView[P]], UrlView[P]]:
    """Resolve ``merchant_id`` to the user's membership (404 for anyone else); with
    ``manager``, only owners and managers get in (403 for a cashier)."""

    def decorate(view: MemberView[P]) -> UrlView[P]:
        @wraps(view)
        def wrapped(
            request: HttpRequest, merchant_id: UUID, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
            membership = selectors.membership_of(
                user=signed_in_user(request), merchant_id=merchant_id
            )
            if manager and not membership.manages:
                raise PermissionDenied
            return view(request, membership, *args, **kwargs)

        return login_required(wrapped)

    return decorate


def member_actor(
    request: HttpRequest, membership: Membership, premises: Premises | None = None
) -> Actor:
    return Actor.merchant_staff(
        signed_in_user(request),
        role=membership.role,
        merchant_id=str(membership.merchant.public_id),
        premises_id=str(premises.public_id) if premises else None,
        request=request,
    )


def page(
    request: HttpRequest,
    membership: Membership,
    template: str,
    context: dict[str, Any],
    *,
    section: str,
    status: int = 200,
) -> HttpResponse:
    """Render a portal page with the merchant, the role and the active nav section."""
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "section": section,
        **context,
    }
    return render(request, template, context, status=status)


def to(name: str, membership: Membership, *args: Any) -> str:
    return reverse(f"merchant:{name}", args=[membership.merchant.public_id, *args])


# --- the start page --------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The merchants the user works for; with exactly one, straight to it."""
    memberships = list(selectors.memberships_of(user=signed_in_user(request)))
    if len(memberships) == 1:
        return redirect(_start_of(memberships[0]))
    return render(
        request,
        "merchant/home.html",
        {"memberships": [(m, _start_of(m)) for m in memberships]},
    )


def _start_of(membership: Membership) -> str:
    return to("dashboard" if membership.manages else "checkin", membership)


# --- premises -------------------------------------------------------------------------


@member_view(manager=True)
def premises_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    premises = selectors.premises_for(membership=membership)
    return page(
        request, membership, "merchant/premises_list.html", {"premises": premises},
        section="premises",
    )  # fmt: skip


@member_view(manager=True)
def premises_edit(
    request: HttpRequest, membership: Membership, premises_id: UUID | None = None
) -> HttpResponse:
    """Add premises, or rename them and correct their address."""
    premises = (
        None
        if premises_id is None
        else selectors.premises_of(membership=membership, premises_id=premises_id)
    )
    if request.method == "POST":
        form = PremisesForm(request.POST)
        if form.is_valid():
            try:
                _save_premises(request, membership, premises, form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request, _("Saved: %(name)s.") % {"name": form.cleaned_data["name"]}
                )
                return redirect(to("premises", membership))
    else:
        initial = (
            {}
            if premises is None
            else {f: getattr(premises, f) for f in ("name", "street", "postal_code", "city")}
        )
        form = PremisesForm(initial=initial)
    return page(
        request, membership, "merchant/premises_form.html", {"form": form, "premises": premises},
        section="premises",
    )  # fmt: skip


def _save_premises(
    request: HttpRequest, membership: Membership, premises: Premises | None, data: dict[str, Any]
) -> None:
    fields = {k: data[k] or "" for k in ("name", "street", "postal_code", "city")}
    actor = member_actor(request, membership)
    if premises is None:
        services.premises_create(membership=membership, actor=actor, **fields)
    else:
        services.premises_update(membership=membership, premises=premises, actor=actor, **fields)


@require_POST
@member_view(manager=True)
def premises_set_open(
    request: HttpRequest, membership: Membership, premises_id: UUID
) -> HttpResponse:
    premises = selectors.premises_of(membership=membership, premises_id=premises_id)
    is_open = request.POST.get("is_open") == "1"
    services.premises_set_open(
        membership=membership, premises=premises, is_open=is_open,
        actor=member_actor(request, membership),
    )  # fmt: skip
    message = _("%(name)s is open for check-ins.") if is_open else _("%(name)s is closed.")
    messages.success(request, message % {"name": premises.name})
    return redirect(to("premises", membership))


# --- staff and invitations -----------------------------------------------------------


@member_view(manager=True)
def staff_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The merchant's staff, pending invitations, and the invitation form."""
    if request.method == "POST":
        form = InvitationForm(request.POST, membership=membership)
        if form.is_valid():
            try:
                invitation, token = services.invitation_create(
                    membership=membership,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    premises=list(form.cleaned_data["premises"]),
                    actor=member_actor(request, membership),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                _send_invitation(request, invitation, token)
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect(to("staff", membership))
    else:
        form = InvitationForm(membership=membership)
    context = {
        "members": selectors.members_for(membership=membership),
        "invitations": selectors.invitations_pending(membership=membership).prefetch_related(
            "premises"
        ),
        "form": form,
    }
    return page(request, membership, "merchant/staff.html", context, section="staff")


def _send_invitation(request: HttpRequest, invitation: Invitation, token: str) -> None:
    link = request.build_absolute_uri(reverse("merchant:invitation_accept", args=[token]))
    context = {"invitation": invitation, "link": link, "merchant": invitation.merchant}
    send_mail(
        subject=_("You are invited to %(merchant)s on Kliento")
        % {"merchant": invitation.merchant.name},
        message=render_to_string("merchant/email/invitation.txt", context, request=request),
        from_email=None,
        recipient_list=[invitation.email],
    )


@require_POST
@member_view(manager=True)
def staff_remove(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    member = selectors.member_of(membership=membership, member_id=member_id)
    try:
        services.membership_remove(
            membership=membership, member=member, actor=member_actor(request, membership)
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Removed %(email)s from your staff.") % {"email": member.user.email}
        )
    return redirect(to("staff", membership))


@never_cache
@login_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail: join the merchant's staff once signed in."""
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None:
        return render(request, "merchant/invitation.html", {"invitation": None}, status=404)
    if request.method == "POST":
        user = signed_in_user(request)
        try:
            membership = services.invitation_accept(
                token=token, user=user, actor=Actor.person(user, request)
            )
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("merchant:home")
        messages.success(
            request, _("You are now on the staff of %(name)s.") % {"name": invitation.merchant.name}
        )
        return redirect(_start_of(membership))
    return render(request, "merchant/invitation.html", {"invitation": invitation})


# --- terminals ---------------------------------------------------------------------------


@never_cache
@member_view(manager=True)
def terminals(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Terminals with their last use; a new terminal's token is shown on this page once."""
    premises = selectors.premises_for(membership=membership)
    created = None
    if request.method == "POST":
        form = TerminalForm(request.POST, premises=premises)
        if form.is_valid():
            try:
                created = services.terminal_create(
                    membership=membership,
                    premises=form.cleaned_data["premises"],
                    name=form.cleaned_data["name"],
                    actor=member_actor(request, membership),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                form = TerminalForm(premises=premises)
    else:
        form = TerminalForm(premises=premises)
    context = {
        "terminals": selectors.terminals_for(membership=membership),
        "form": form,
        "created": created,
    }
    return page(request, membership, "merchant/terminals.html", context, section="terminals")


@require_POST
@member_view(manager=True)
def terminal_revoke(
    request: HttpRequest, membership: Membership, terminal_id: UUID
) -> HttpResponse:
    terminal = selectors.terminal_of(membership=membership, terminal_id=terminal_id)
    if terminal.revoked_at is None:
        services.terminal_revoke(
            membership=membership, terminal=terminal, actor=member_actor(request, membership)
        )
        messages.success(request, _("Revoked: %(name)s.") % {"name": terminal.name})
    return redirect(to("terminals", membership))
