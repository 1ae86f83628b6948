"""Demo merchants, premises, loyalty programs, terminals, cards and visits for
``kliento demo``. Running it again reuses what exists; secrets that are shown only
once (terminal tokens, a card's registration code) are printed when first created."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.cards import identifiers
from kliento.cards.identifiers import Scanned
from kliento.cards.models import Card
from kliento.cards.services import card_for_scan, card_lookup, card_register
from kliento.merchants import services as merchants
from kliento.merchants.models import Membership, Merchant, Premises, Terminal
from kliento.register.services import subject_of
from kliento.visits.models import LedgerEntry, LoyaltyProgram, Visit
from kliento.visits.services import checkin_record


def demo_number(serial: int) -> str:
    """A fixed, valid Kliento card number, so the demo prints the same cards every run."""
    body = f"{identifiers.KLIENTO_PREFIX}{serial:011d}"
    return body + identifiers.luhn_digit(body)


CARDHOLDER_CARD = demo_number(1)
UNREGISTERED_CARD = demo_number(2)


@dataclass(frozen=True)
class DemoMerchant:
    name: str
    business_id: str
    premises: tuple[tuple[str, str, str, str], ...]  # name, street, postal code, city
    programs: tuple[dict[str, object], ...]


MERCHANTS = (
    DemoMerchant(
        "Kahvila Aalto", "1234567-8",
        (("Kamppi", "Urho Kekkosen katu 1", "00100", "Helsinki"),
         ("Kallio", "Hämeentie 12", "00530", "Helsinki")),
        ({"name": "Aalto points", "kind": LoyaltyProgram.Kind.POINTS, "points_per_euro": 1,
          "points_per_visit": 10, "reward_name": "Coffee and a bun", "reward_points": 100},
         {"name": "Coffee stamp card", "kind": LoyaltyProgram.Kind.STAMPS, "stamps_required": 5,
          "reward_name": "Free coffee", "min_minutes_between": 30}),
    ),
    DemoMerchant(
        "Bistro Berg", "7654321-0",
        (("Tampere Keskusta", "Hämeenkatu 20", "33200", "Tampere"),),
        ({"name": "Lunch stamps", "kind": LoyaltyProgram.Kind.STAMPS, "stamps_required": 8,
          "reward_name": "Free lunch", "daily_cap": 1},
         {"name": "Berg points", "kind": LoyaltyProgram.Kind.POINTS, "points_per_euro": 2,
          "reward_name": "Dessert", "reward_points": 200, "min_purchase_cents": 500}),
    ),
)  # fmt: skip
# (merchant index, premises index, amount in cents, days ago)
DEMO_VISITS = ((0, 0, 450, 12), (0, 1, 1280, 9), (1, 0, 1490, 7), (0, 0, 390, 5),
               (1, 0, 2150, 3), (0, 0, 620, 1))  # fmt: skip


def _merchant(spec: DemoMerchant, owner: User, system: Actor) -> tuple[Merchant, Membership]:
    merchant = Merchant.objects.filter(name=spec.name).first()
    if merchant is None:
        merchant = merchants.merchant_create(
            name=spec.name, business_id=spec.business_id, owner=owner, actor=system
        )
    if merchant.status != Merchant.Status.APPROVED:
        merchants.merchant_set_status(
            merchant=merchant, status=Merchant.Status.APPROVED, actor=system
        )
    membership, _created = Membership.objects.get_or_create(
        merchant=merchant, user=owner, defaults={"role": Membership.Role.OWNER}
    )
    return merchant, membership


def _premises(spec: DemoMerchant, membership: Membership, actor: Actor) -> list[Premises]:
    found = []
    for name, street, postal_code, city in spec.premises:
        premises = Premises.objects.filter(merchant=membership.merchant, name=name).first()
        if premises is None:
            premises = merchants.premises_create(
                membership=membership, name=name, street=street, postal_code=postal_code,
                city=city, actor=actor,
            )  # fmt: skip
        found.append(premises)
    return found


def _terminal(premises: Premises, membership: Membership, actor: Actor, lines: list[str]) -> None:
    terminal = Terminal.objects.filter(premises=premises, revoked_at__isnull=True).first()
    label = f"{premises.merchant.name}, {premises.name}"
    if terminal is None:
        terminal, token = merchants.terminal_create(
            membership=membership, premises=premises, name="Till 1", actor=actor
        )
        lines.append(f"  terminal token ({label}): {token}")
    else:
        lines.append(f"  terminal ({label}): token was printed when it was created")


def _staff_actor(membership: Membership) -> Actor:
    return Actor.merchant_staff(
        membership.user, role=membership.role, merchant_id=str(membership.merchant.public_id),
        premises_id=None,
    )  # fmt: skip


@transaction.atomic
def demo_loyalty(*, owner: User, cashier: User, cardholder: User) -> list[str]:
    """Create (or reuse) the demo merchants and cards; returns the lines to print."""
    system = Actor.system("demo")
    lines = ["Merchants (owner and cashier logins above):"]
    all_premises: list[list[Premises]] = []
    for spec in MERCHANTS:
        merchant, membership = _merchant(spec, owner, system)
        actor = _staff_actor(membership)
        premises = _premises(spec, membership, actor)
        all_premises.append(premises)
        for program in spec.programs:
            LoyaltyProgram.objects.get_or_create(
                merchant=merchant, name=program["name"], defaults=program
            )
        lines.append(f"  {merchant.name}: " + ", ".join(p.name for p in premises))
        for each in premises:
            _terminal(each, membership, actor, lines)
    first = all_premises[0]
    cashier_membership, _created = Membership.objects.get_or_create(
        merchant=first[0].merchant, user=cashier, defaults={"role": Membership.Role.CASHIER}
    )
    cashier_membership.premises.add(*first)

    subject = subject_of(cardholder)
    card = Card.objects.filter(lookup=card_lookup(Card.Kind.KLIENTO, CARDHOLDER_CARD)).first()
    if card is None:
        found = card_for_scan(Scanned(kind="kliento", value=CARDHOLDER_CARD), create=True)
        card = card_register(
            subject=subject, card_number=CARDHOLDER_CARD, code=found.registration_code or "",
            actor=Actor.person(cardholder, via="demo"),
        )  # fmt: skip
    if not Visit.objects.filter(card=card).exists():
        _visits(card_number=CARDHOLDER_CARD, premises=all_premises, cashier=cashier)
    lines.append("Cards:")
    lines.append(
        f"  {identifiers.format_kliento_number(CARDHOLDER_CARD)}  registered to the demo "
        "cardholder, with visits at both merchants"
    )
    spare = Card.objects.filter(lookup=card_lookup(Card.Kind.KLIENTO, UNREGISTERED_CARD)).first()
    number = identifiers.format_kliento_number(UNREGISTERED_CARD)
    if spare is None:
        found = card_for_scan(Scanned(kind="kliento", value=UNREGISTERED_CARD), create=True)
        lines.append(f"  {number}  unregistered; registration code: {found.registration_code}")
    elif spare.holder_id is None:
        lines.append(f"  {number}  unregistered; its code was printed when it was created")
    else:
        lines.append(f"  {number}  registered since the demo created it")
    return lines


def _visits(*, card_number: str, premises: list[list[Premises]], cashier: User) -> None:
    """Record the demo visits through the real check-in, then date them in the past so
    the charts have some days to show."""
    now = timezone.now()
    for merchant_index, premises_index, amount, days_ago in DEMO_VISITS:
        where = premises[merchant_index][premises_index]
        terminal = Terminal.objects.filter(premises=where, revoked_at__isnull=True).first()
        actor = Actor.terminal(
            str(terminal.public_id) if terminal else "demo",
            merchant_id=str(where.merchant.public_id),
            premises_id=str(where.public_id),
        )
        result = checkin_record(
            premises=where, card_input=card_number, actor=actor, amount_cents=amount,
            terminal=terminal,
        )  # fmt: skip
        at = now - timedelta(days=days_ago, hours=merchant_index * 2)
        Visit.objects.filter(pk=result.visit.pk).update(at=at)
        LedgerEntry.objects.filter(visit=result.visit).update(at=at)
