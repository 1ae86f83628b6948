"""Change notices (GDPR art. 19): who must hear of a person's corrected or erased data.

The register changes and erases the data, but the apps that disclosed it know the
recipients. They subscribe here, explicitly from their ``AppConfig.ready()`` (the
disclosures app does), and the register's services call :func:`notify_correction` and
:func:`notify_erasure` in the same transaction as the change; each subscriber queues its
notices (an outbox) rather than calling anyone, so nothing leaves before the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kliento.audit.actors import Actor
    from kliento.register.models import Subject


@dataclass(frozen=True)
class ChangeSubscriber:
    """One app that must pass corrections and erasures on; each returns notices queued."""

    name: str
    correction: Callable[[Subject, list[str], Actor], int]
    erasure: Callable[[Subject, Actor], int]


_SUBSCRIBERS: dict[str, ChangeSubscriber] = {}


def subscribe(subscriber: ChangeSubscriber) -> None:
    """Add ``subscriber`` (idempotent by name, so a reloaded app does not count twice)."""
    _SUBSCRIBERS[subscriber.name] = subscriber


def subscribers() -> list[ChangeSubscriber]:
    """Every subscriber, in the order they subscribed."""
    return list(_SUBSCRIBERS.values())


def notify_correction(*, subject: Subject, items: Iterable[str], actor: Actor) -> int:
    """Tell every subscriber that ``items`` of ``subject`` changed; notices queued."""
    keys = list(items)
    return sum(s.correction(subject, keys, actor) for s in _SUBSCRIBERS.values())


def notify_erasure(*, subject: Subject, actor: Actor) -> int:
    """Tell every subscriber that ``subject``'s data is erased; notices queued."""
    return sum(s.erasure(subject, actor) for s in _SUBSCRIBERS.values())
