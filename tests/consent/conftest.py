"""Fixtures for the consent tests: the person's subject and actor, and a purpose whose
notice gets new versions during a test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.utils.translation import gettext_lazy as _

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.consent import purposes
from kliento.consent.purposes import ConsentPurpose, Notice
from kliento.register.models import Subject
from kliento.register.services import subject_of

V1 = Notice(version="1", published=date(2026, 1, 1), text=_("Newsletter notice, first text."))


@pytest.fixture
def subject(cardholder: User) -> Subject:
    return subject_of(cardholder)


@pytest.fixture
def me(cardholder: User) -> Actor:
    return Actor.person(cardholder)


@pytest.fixture
def versioned_purpose(monkeypatch: pytest.MonkeyPatch) -> Callable[..., ConsentPurpose]:
    """``versioned_purpose(*notices)`` declares purpose "newsletter" with those notices
    (V1 first), as a release that publishes a new notice version would."""

    def declare(*later: Notice) -> ConsentPurpose:
        purpose = ConsentPurpose(
            key="newsletter",
            label=_("Newsletter"),
            notices=(V1, *later),
            data_categories=(_("E-mail address"),),
            recipients=(_("Kliento Oy"),),
            retention=_("Until withdrawn."),
        )
        monkeypatch.setitem(purposes.PURPOSES, purpose.key, purpose)
        return purpose

    return declare
