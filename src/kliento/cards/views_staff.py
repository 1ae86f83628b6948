"""Customer service blocks a lost card for a caller: the card is found by its number's
blind index, and the block is audited with the reason given."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.accounts.views import staff_roles_of
from kliento.audit.actors import Actor
from kliento.cards import identifiers, services
from kliento.cards.forms import StaffCardBlockForm
from kliento.common.errors import DomainError, ErrorCode
from kliento.register.views_staff import AUDIT_ROLES, PROFILE_ROLES


@login_required
def card_block(request: HttpRequest) -> HttpResponse:
    """Block a card by its number; customer service only (MFA is enforced for staff)."""
    user = request.user
    if not isinstance(user, User) or not (user.is_active and user.is_staff):
        raise PermissionDenied
    held = set(staff_roles_of(user))
    if StaffRole.CUSTOMER_SERVICE not in held:
        raise PermissionDenied
    form = StaffCardBlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scanned = identifiers.parse(form.cleaned_data["card_number"])
            if scanned.card_id is not None:
                raise DomainError(
                    ErrorCode.CARD_INVALID, _("Enter the number printed on the card.")
                )
            card = services.card_for_scan(scanned, create=False).card
            services.card_block(
                card=card,
                actor=Actor.staff(user, StaffRole.CUSTOMER_SERVICE.value, request),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Card %(card)s is blocked. It no longer checks in anywhere.")
                % {"card": services.card_masked(card)},
            )
            return redirect("staff_cards:block")
    return render(
        request,
        "cards/staff_block.html",
        {
            "form": form,
            "can_search": bool(held.intersection(PROFILE_ROLES)),
            "can_audit": bool(held.intersection(AUDIT_ROLES)),
        },
    )
