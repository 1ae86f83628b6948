"""Card events that apps above cards act on: a card taken into use by its holder.

The disclosures app must tell a card's issuer when a person takes the card into use
(privacy policy section 7), but cards sit below disclosures and must not import it. So
cards keeps this small registry; the disclosures app subscribes explicitly from its
``AppConfig.ready()`` (like :mod:`kliento.register.changes`), and the card services call
:func:`notify_card_registered` inside their transaction, so whatever a subscriber writes
(a disclosure and its outbox message) commits or rolls back with the registration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kliento.audit.actors import Actor
    from kliento.cards.models import Card
    from kliento.register.models import Subject


@dataclass(frozen=True)
class CardSubscriber:
    """One app that acts when a person takes a card into use."""

    name: str
    card_registered: Callable[[Card, Subject, Actor], object]  # what it returns is ignored


_SUBSCRIBERS: dict[str, CardSubscriber] = {}


def subscribe(subscriber: CardSubscriber) -> None:
    """Add ``subscriber`` (idempotent by name, so a reloaded app does not count twice)."""
    _SUBSCRIBERS[subscriber.name] = subscriber


def subscribers() -> list[CardSubscriber]:
    """Every subscriber, in the order they subscribed."""
    return list(_SUBSCRIBERS.values())


def notify_card_registered(*, card: Card, subject: Subject, actor: Actor) -> None:
    """Tell every subscriber that ``subject`` took ``card`` into use. Call it inside the
    registration's transaction."""
    for subscriber in _SUBSCRIBERS.values():
        subscriber.card_registered(card, subject, actor)
