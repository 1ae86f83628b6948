"""The person's card pages: their cards, registering one, blocking a lost one, a card
change, and the phone QR code that renews itself.

Views only parse, call the card services and render; every write is POST-redirect-GET.
"""

from __future__ import annotations

from uuid import UUID

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.cards import identifiers, selectors, services
from kliento.cards.api import QR_REFRESH_SECONDS
from kliento.cards.forms import CardChangeForm, CardRegisterForm
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error
from kliento.register.models import Subject
from kliento.register.services import subject_of


def _me(request: HttpRequest) -> tuple[Subject, Actor]:
    user = request.user
    if not isinstance(user, User):  # login_required lets only signed-in users here
        raise PermissionDenied
    return subject_of(user), Actor.person(user, request)


def qr_svg(token: str) -> str:
    """The QR code of ``token`` as inline SVG, sized by CSS."""
    return str(
        segno.make(token, error="m").svg_inline(
            scale=4, border=2, dark="#000", light="#fff", omitsize=True
        )
    )


@login_required
def card_list(request: HttpRequest) -> HttpResponse:
    """The person's cards, numbers masked, with what can be done with each."""
    subject, _actor = _me(request)
    rows = selectors.card_rows(subject=subject)
    return render(
        request,
        "cards/list.html",
        {"rows": rows, "can_change": any(r.can_block for r in rows)},
    )


@login_required
def card_register(request: HttpRequest) -> HttpResponse:
    """Take a card into use with its number and registration code."""
    form = CardRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject, actor = _me(request)
        try:
            card = services.card_register(
                subject=subject,
                card_number=form.cleaned_data["card_number"],
                code=form.cleaned_data["code"],
                actor=actor,
            )
        except DomainError as error:
            form.show_refusal(error)
        else:
            messages.success(
                request,
                _("Card %(card)s is now yours, with its visits and benefits.")
                % {"card": services.card_masked(card)},
            )
            return redirect("cards:list")
    return render(request, "cards/register.html", {"form": form})


@login_required
def card_change(request: HttpRequest) -> HttpResponse:
    """Replace one of the person's cards with a new one, using the till's change code."""
    subject, actor = _me(request)
    rows = [
        selectors.CardRow(card, services.card_masked(card))
        for card in selectors.replaceable_cards_of(subject=subject)
    ]
    form = CardChangeForm(request.POST or None, cards=rows)
    if request.method == "POST" and form.is_valid():
        old = next(r.card for r in rows if str(r.id) == form.cleaned_data["old_card"])
        try:
            card = services.card_change_complete(
                subject=subject, old_card=old, code=form.cleaned_data["code"], actor=actor
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Card %(new)s replaces card %(old)s.")
                % {"new": services.card_masked(card), "old": services.card_masked(old)},
            )
            return redirect("cards:list")
    return render(request, "cards/change.html", {"form": form, "rows": rows})


@login_required
def card_block(request: HttpRequest, card_id: UUID) -> HttpResponse:
    """Ask, then block one of the person's own cards; anyone else's card is a 404."""
    subject, actor = _me(request)
    try:
        card = selectors.card_of(subject=subject, card_id=card_id)
    except DomainError as error:
        raise Http404 from error
    row = selectors.CardRow(card, services.card_masked(card))
    if request.method == "POST":
        try:
            services.card_block(card=card, actor=actor, reason="lost (blocked by the holder)")
        except DomainError as error:
            if error.code not in (ErrorCode.CARD_NOT_ACTIVE, ErrorCode.CARD_NOT_BLOCKABLE):
                raise
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("Card %(card)s is blocked. It no longer checks in anywhere.")
                % {"card": row.masked},
            )
        return redirect("cards:list")
    if not row.can_block:
        raise Http404
    return render(request, "cards/block.html", {"row": row})


@login_required
@never_cache
def card_qr(request: HttpRequest) -> HttpResponse:
    """The phone QR code: a signed token that expires within a minute."""
    subject, actor = _me(request)
    card = services.phone_card_of(subject=subject, actor=actor)
    return render(
        request,
        "cards/qr.html",
        {
            "svg": qr_svg(identifiers.qr_token(card.public_id)),
            "refresh_seconds": QR_REFRESH_SECONDS,
            "valid_seconds": identifiers.QR_MAX_AGE_SECONDS,
        },
    )


@login_required
@never_cache
def card_qr_fresh(request: HttpRequest) -> JsonResponse:
    """A fresh QR code for the page's script to swap in."""
    subject, actor = _me(request)
    card = services.phone_card_of(subject=subject, actor=actor)
    return JsonResponse(
        {
            "svg": qr_svg(identifiers.qr_token(card.public_id)),
            "refresh_after_seconds": QR_REFRESH_SECONDS,
        }
    )
