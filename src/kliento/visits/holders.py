"""What the cashier sees of a card's holder at check-in: the items the holder shares with
the merchant.

Sharing sits above visits (a merchant's customers are the people who visited), so the
sharing app provides this view explicitly from its ``AppConfig.ready()``; without it a
check-in shows no shared items.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kliento.audit.actors import Actor
    from kliento.merchants.models import Merchant
    from kliento.register.models import Subject

HolderView = Callable[["Subject", "Merchant", "Actor"], dict[str, Any]]

_view: list[HolderView] = []


def provide(view: HolderView) -> None:
    """Install the view (the sharing app's ``shared_profile``); a second call replaces it."""
    _view[:] = [view]


def holder_shared(*, subject: Subject, merchant: Merchant, actor: Actor) -> dict[str, Any]:
    """The items ``subject`` shares with ``merchant``, read (and recorded) as ``actor``."""
    return _view[0](subject, merchant, actor) if _view else {}
