"""The consent the register asks before it stores special-category data (allergies need
the separate health-data consent, GDPR art. 9(2)(a)).

Consent records live in the consent app, which sits above the register; it provides the
check explicitly from its ``AppConfig.ready()``. Without it the register refuses to guess.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from kliento.register.models import Subject

ConsentCheck = Callable[["Subject", str], bool]

_check: list[ConsentCheck] = []


def provide(check: ConsentCheck) -> None:
    """Install the check (the consent app's ``has_consent``); a second call replaces it."""
    _check[:] = [check]


def has_consent(*, subject: Subject, purpose: str) -> bool:
    """True while ``subject`` has consent for ``purpose`` in force."""
    if not _check:
        raise ImproperlyConfigured("kliento.consent must be installed: it provides consents")
    return _check[0](subject, purpose)
