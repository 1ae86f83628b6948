"""A demo manual disclosure for ``kliento demo``: the privacy officer registers an
authority as a recipient and records that the demo cardholder's card number was given to
it on its written request, as on the back-office's Disclosures pages. The cardholder sees
it in their Activity and export."""

from __future__ import annotations

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.disclosures import services
from kliento.disclosures.models import Disclosure, Recipient
from kliento.register.catalogue import LegalBasis, Purpose
from kliento.register.services import subject_of

AUTHORITY_NAME = "Demo police department"
# Plain http is allowed only to this machine; nothing listens there in the demo, so the
# webhook waits in the outbox (the back-office shows it) instead of leaving the machine.
AUTHORITY_WEBHOOK = "http://127.0.0.1:9/kliento-demo-authority"
NOTE = "Written request of the police (demo case 2026/123) about a lost wallet and its card."


def demo_disclosures(*, privacy_officer: User, cardholder: User) -> list[str]:
    """Register the demo authority and record one manual disclosure to it, unless they
    exist; lines for the console."""
    actor = Actor.staff(privacy_officer, StaffRole.PRIVACY_OFFICER.value)
    recipient = Recipient.objects.filter(name=AUTHORITY_NAME, kind=Recipient.Kind.AUTHORITY).first()
    if recipient is None:
        recipient, _secret = services.recipient_create(
            kind=Recipient.Kind.AUTHORITY, name=AUTHORITY_NAME, webhook_url=AUTHORITY_WEBHOOK,
            items=["card_identifiers"], purposes=[Purpose.LEGAL_OBLIGATION.value], actor=actor,
        )  # fmt: skip
    subject = subject_of(cardholder)
    if not Disclosure.objects.filter(subject=subject, recipient=recipient).exists():
        services.disclosure_record_manual(
            subject=subject, recipient=recipient, items=["card_identifiers"],
            legal_basis=LegalBasis.LEGAL_OBLIGATION.value,
            purpose=Purpose.LEGAL_OBLIGATION.value, note=NOTE, actor=actor,
        )  # fmt: skip
    return [
        f"Disclosures: the privacy officer recorded a manual disclosure of the cardholder's "
        f"card number to {AUTHORITY_NAME!r} (recipients at /staff/recipients/)"
    ]
