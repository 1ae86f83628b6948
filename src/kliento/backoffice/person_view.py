"""What customer service sees of a person beside the profile values: cards, and per
merchant the visits, loyalty balances, ledger and rewards; consents in force and open
data subject requests.

Composed from the owning apps' selectors; nothing here writes. The opening itself is
recorded by ``register.services.profile_read`` in the view before this runs. A fixed
number of queries however long the person's history is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kliento.cards import selectors as cards
from kliento.cards.selectors import CardRow
from kliento.cards.services import card_masked
from kliento.consent import selectors as consent
from kliento.dsr import selectors as dsr
from kliento.merchants.models import Merchant
from kliento.register.models import Subject
from kliento.visits import history, loyalty
from kliento.visits.models import Visit

VISITS_PER_MERCHANT = 50
LEDGER_PER_PROGRAM = 50


@dataclass
class MerchantPanel:
    """One merchant's part of the person view."""

    merchant: Merchant
    visits: list[Visit] = field(default_factory=list)
    programs: list[loyalty.ProgramSummary] = field(default_factory=list)


def merchant_panels(subject: Subject) -> list[MerchantPanel]:
    """Visits and loyalty of the person, grouped by merchant (by name)."""
    panels: dict[int, MerchantPanel] = {}
    for visit in history.latest_visits_per_merchant(subject=subject, limit=VISITS_PER_MERCHANT):
        panels.setdefault(visit.merchant_id, MerchantPanel(visit.merchant)).visits.append(visit)
    for summary in loyalty.person_loyalty(subject=subject, entries_limit=LEDGER_PER_PROGRAM):
        merchant = summary.program.merchant
        panels.setdefault(merchant.pk, MerchantPanel(merchant)).programs.append(summary)
    return sorted(panels.values(), key=lambda p: (p.merchant.name.casefold(), p.merchant.pk))


def person_overview(subject: Subject) -> dict[str, Any]:
    """The template context of the person view's cards, merchants, consents and requests."""
    return {
        "card_rows": cards.card_rows(subject=subject),
        "panels": merchant_panels(subject),
        "consents": [state for state in consent.consent_states(subject=subject) if state.active],
        "open_requests": list(dsr.open_requests_of(subject=subject)),
    }


def card_row_of(subject: Subject, card_id: Any) -> CardRow:
    """One of the person's cards ready to show (a DomainError NOT_FOUND otherwise)."""
    card = cards.card_of(subject=subject, card_id=card_id)
    return CardRow(card, card_masked(card))
