"""The person's visits page: every visit on their cards, at every merchant."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kliento.accounts.models import User
from kliento.cards.models import Card
from kliento.cards.services import card_masked
from kliento.register.services import subject_of
from kliento.visits.history import visits_of_person
from kliento.visits.models import Visit

PAGE_SIZE = 25


@dataclass(frozen=True)
class VisitRow:
    visit: Visit
    card: str  # masked, "" once the card was erased
    euros: Decimal | None


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    """The person's visits, newest first, with the loyalty each one earned."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    page = Paginator(visits_of_person(subject=subject_of(user)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    masked: dict[int, str] = {}
    rows = []
    for visit in page.object_list:
        card: Card | None = visit.card
        if card is not None and card.pk not in masked:
            masked[card.pk] = card_masked(card)
        euros = None if visit.amount_cents is None else Decimal(visit.amount_cents) / 100
        rows.append(VisitRow(visit, masked[card.pk] if card is not None else "", euros))
    return render(request, "visits/person_list.html", {"page": page, "rows": rows})
