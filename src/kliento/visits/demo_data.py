"""Demo merchants, premises, loyalty programs, terminals, cards and visits for
``kliento demo``, made through the flows the product's users go through, so the demo's
audit log and back-office show them: each merchant applies, verifies its e-mail and is
approved by the administrator; its owner adds premises, programs and terminals and
invites the cashier; a batch of Kliento cards is issued, printed and activated, and the
demo cardholder registers a card with its leaflet's code; the visits go through the
check-in; customer service corrects a balance.

Running it again reuses what exists; secrets that are shown only once (terminal tokens,
the spare cards' registration codes) are printed when first created."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.cards import identifiers
from kliento.cards.batches import PrintedCard, batch_activate, batch_issue, batch_print
from kliento.cards.models import Card, CardBatch
from kliento.cards.services import card_identifier, card_register
from kliento.merchants import onboarding
from kliento.merchants import services as merchants
from kliento.merchants.models import Membership, Merchant, Premises, Terminal
from kliento.register.models import Subject
from kliento.register.services import subject_of
from kliento.visits.corrections import correction_card, ledger_correct
from kliento.visits.models import LedgerEntry, LoyaltyProgram, Visit
from kliento.visits.services import ProgramTerms, checkin_record, program_create

# The system actor of a visitor who applies without a login (as on the application page).
APPLICANT = "merchant-applicant"
DEMO_BATCH_NOTE = "Kliento demo: leaflets for the demo cardholders"
DEMO_BATCH_SIZE = 4  # the cardholder's card and three spares to register in the demo
CORRECTION_REASON = "Goodwill: the till was offline during a visit"
CORRECTION_POINTS = 25


@dataclass(frozen=True)
class DemoProgram:
    name: str
    kind: str
    reward_name: str
    params: dict[str, int]


@dataclass(frozen=True)
class DemoMerchant:
    name: str
    business_id: str  # fictitious, with a valid check digit
    contact_name: str
    phone: str
    # name, street, postal code, city; the first comes with the application
    premises: tuple[tuple[str, str, str, str], ...]
    programs: tuple[DemoProgram, ...]


MERCHANTS = (
    DemoMerchant(
        "Kahvila Aalto", "2894521-7", "Aino Aalto", "+358 40 123 4567",
        (("Kamppi", "Urho Kekkosen katu 1", "00100", "Helsinki"),
         ("Kallio", "Hämeentie 12", "00530", "Helsinki")),
        (DemoProgram("Aalto points", LoyaltyProgram.Kind.POINTS, "Coffee and a bun",
                     {"points_per_euro": 1, "points_per_visit": 10, "reward_points": 100}),
         DemoProgram("Coffee stamp card", LoyaltyProgram.Kind.STAMPS, "Free coffee",
                     {"stamps_required": 5, "min_minutes_between": 30})),
    ),
    DemoMerchant(
        "Bistro Berg", "3105827-2", "Bertil Berg", "+358 50 765 4321",
        (("Tampere Keskusta", "Hämeenkatu 20", "33200", "Tampere"),),
        (DemoProgram("Lunch stamps", LoyaltyProgram.Kind.STAMPS, "Free lunch",
                     {"stamps_required": 8, "daily_cap": 1}),
         DemoProgram("Berg points", LoyaltyProgram.Kind.POINTS, "Dessert",
                     {"points_per_euro": 2, "reward_points": 200, "min_purchase_cents": 500})),
    ),
)  # fmt: skip
# (merchant index, premises index, amount in cents, days ago)
DEMO_VISITS = ((0, 0, 450, 12), (0, 1, 1280, 9), (1, 0, 1490, 7), (0, 0, 390, 5),
               (1, 0, 2150, 3), (0, 0, 620, 1))  # fmt: skip


@dataclass(frozen=True)
class DemoCast:
    """Who acts in the demo: the administrator approves merchants and issues the card
    stock, customer service corrects a balance; the owner's login comes from the first
    application's e-mail verification, with ``password``."""

    administrator: Actor
    customer_service: Actor
    owner_email: str
    password: str
    cashier: User
    cardholder: User


def _owner_actor(membership: Membership) -> Actor:
    return Actor.merchant_staff(
        membership.user, role=membership.role, merchant_id=str(membership.merchant.public_id),
        premises_id=None,
    )  # fmt: skip


def _apply_and_approve(spec: DemoMerchant, cast: DemoCast) -> Merchant:
    """The merchant's application, its e-mail verification and the administrator's
    approval, which creates the merchant, its first premises and the owner's membership."""
    first = spec.premises[0]
    owner = User.objects.filter(email__iexact=cast.owner_email).first()
    # A signed-in owner applies as themselves; a visitor without a login as the system.
    actor = Actor.system(APPLICANT) if owner is None else Actor.person(owner, via="demo")
    application, token = onboarding.application_submit(
        data=onboarding.ApplicationIn(
            business_name=spec.name, business_id=spec.business_id,
            contact_name=spec.contact_name, email=cast.owner_email, phone=spec.phone,
            premises_name=first[0], street=first[1], postal_code=first[2], city=first[3],
            language="fi",
        ),
        actor=actor,
    )  # fmt: skip
    application = onboarding.application_verify(
        token=token, user=owner, password=None if owner else cast.password, actor=actor
    )
    return onboarding.application_approve(application=application, actor=cast.administrator)


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


def _programs(spec: DemoMerchant, membership: Membership, actor: Actor) -> None:
    for program in spec.programs:
        if not LoyaltyProgram.objects.filter(
            merchant=membership.merchant, name=program.name
        ).exists():
            program_create(
                membership=membership,
                terms=ProgramTerms(
                    name=program.name, kind=program.kind, reward_name=program.reward_name,
                    params=program.params,
                ),
                actor=actor,
            )  # fmt: skip


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


def _cashier(owner: Membership, premises: list[Premises], cashier: User) -> None:
    """The owner invites the cashier to the premises; the cashier accepts the link."""
    if Membership.objects.filter(merchant=owner.merchant, user=cashier).exists():
        return
    _invitation, token = merchants.invitation_create(
        membership=owner, email=cashier.email, role=Membership.Role.CASHIER, premises=premises,
        actor=_owner_actor(owner),
    )  # fmt: skip
    merchants.invitation_accept(token=token, user=cashier, actor=Actor.person(cashier, via="demo"))


def _merchant(spec: DemoMerchant, cast: DemoCast, lines: list[str]) -> list[Premises]:
    # By name too: a database of an earlier demo has the merchants under other IDs.
    merchant = (
        Merchant.objects.filter(business_id=spec.business_id).first()
        or Merchant.objects.filter(name=spec.name).first()
    )
    if merchant is None:
        merchant = _apply_and_approve(spec, cast)
    owner = Membership.objects.select_related("merchant", "user").get(
        merchant=merchant, user__email__iexact=cast.owner_email
    )
    actor = _owner_actor(owner)
    premises = _premises(spec, owner, actor)
    _programs(spec, owner, actor)
    lines.append(
        f"  {merchant.name} ({merchant.business_id}): " + ", ".join(p.name for p in premises)
    )
    for each in premises:
        _terminal(each, owner, actor, lines)
    return premises


def _card_stock(cast: DemoCast, subject: Subject) -> tuple[Card, list[PrintedCard]]:
    """The demo batch: issued, printed (which is when the leaflet codes exist in
    plaintext), activated; the cardholder registers the first card with its leaflet's
    code. Returns the cardholder's card and, on the first run, the spare leaflets."""
    batch = CardBatch.objects.filter(note=DEMO_BATCH_NOTE).first()
    spares: list[PrintedCard] = []
    if batch is None:
        batch = batch_issue(size=DEMO_BATCH_SIZE, actor=cast.administrator, note=DEMO_BATCH_NOTE)
        leaflets = batch_print(batch=batch, actor=cast.administrator, kind="csv")
        batch_activate(batch=batch, actor=cast.administrator)
        card_register(
            subject=subject, card_number=leaflets[0].number, code=leaflets[0].code,
            actor=Actor.person(cast.cardholder, via="demo"),
        )  # fmt: skip
        spares = leaflets[1:]
    card = Card.objects.filter(batch=batch, holder=subject).order_by("batch_position").first()
    if card is None:  # someone changed the demo data by hand
        raise RuntimeError("The demo cardholder no longer holds a card of the demo batch.")
    return card, spares


def _correction(cast: DemoCast, subject: Subject) -> None:
    """Customer service adds goodwill points to the cardholder's Aalto points."""
    if LedgerEntry.objects.filter(card__holder=subject, kind=LedgerEntry.Kind.CORRECTION).exists():
        return
    program = LoyaltyProgram.objects.get(
        merchant__business_id=MERCHANTS[0].business_id, name=MERCHANTS[0].programs[0].name
    )
    card = correction_card(subject=subject, program=program)
    if card is not None:
        ledger_correct(
            card=card, program=program, points=CORRECTION_POINTS, stamps=0,
            reason=CORRECTION_REASON, actor=cast.customer_service,
        )  # fmt: skip


@transaction.atomic
def demo_loyalty(*, cast: DemoCast) -> list[str]:
    """Create (or reuse) the demo merchants, cards and visits; returns the lines to print."""
    lines = ["Merchants (approved applications; owner and cashier logins above):"]
    all_premises = [_merchant(spec, cast, lines) for spec in MERCHANTS]
    first = all_premises[0]
    owner = Membership.objects.select_related("merchant", "user").get(
        merchant=first[0].merchant, user__email__iexact=cast.owner_email
    )
    _cashier(owner, first, cast.cashier)

    subject = subject_of(cast.cardholder)
    card, spares = _card_stock(cast, subject)
    number = card_identifier(card)
    if not Visit.objects.filter(card=card).exists():
        _visits(card_number=number, premises=all_premises)
    _correction(cast, subject)
    lines.append(f"Cards (batch {DEMO_BATCH_NOTE!r}, active):")
    lines.append(
        f"  {identifiers.format_kliento_number(number)}  registered to the demo cardholder, "
        "with visits at both merchants"
    )
    for leaflet in spares:
        lines.append(
            f"  {leaflet.formatted_number}  unregistered; registration code: {leaflet.code}"
        )
    if not spares:
        lines.append("  the spare cards' registration codes were printed when they were made")
    return lines


def _visits(*, card_number: str, premises: list[list[Premises]]) -> None:
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
