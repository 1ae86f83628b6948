"""Customer service blocks a lost card for a caller: the card is found by its number's
blind index, and the block is audited with the reason given."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kliento.accounts.roles import StaffRole
from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.views.people import staff_nav
from kliento.cards import identifiers, services
from kliento.cards.forms import StaffCardBlockForm
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error


@staff_view(StaffRole.CUSTOMER_SERVICE)
def card_block(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Block a card by its number; customer service only (MFA is enforced for staff)."""
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
                actor=staff.actor,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
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
            **staff_nav(staff),
        },
    )
