"""The declared purposes: separate, translated, off by default, with a stable hash."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from kliento.accounts.models import User
from kliento.consent.purposes import PURPOSES, Notice
from kliento.consent.selectors import consent_states
from kliento.register.services import subject_of

EXPECTED = {
    "email_marketing",
    "sms_marketing",
    "postal_marketing",
    "surveys",
    "prize_draws",
    "partner_marketing",
    "health_data",
    "social_sharing",
    "non_essential_cookies",
}


def test_every_purpose_of_the_issue_is_declared_separately() -> None:
    assert set(PURPOSES) == EXPECTED


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_purpose_has_a_notice_in_finnish_swedish_and_english(key: str) -> None:
    purpose = PURPOSES[key]
    texts = purpose.current.texts()

    assert set(texts) == {"fi", "sv", "en"}
    assert all(len(text) > 40 for text in texts.values())
    assert purpose.data_categories
    assert purpose.recipients
    assert str(purpose.retention)


def test_the_notice_hash_does_not_depend_on_the_language_shown() -> None:
    notice = PURPOSES["email_marketing"].current
    hashes = set()
    for language in ("fi", "sv", "en"):
        with override(language):
            hashes.add(notice.hash_for("email_marketing"))

    assert len(hashes) == 1


def test_the_notice_hash_changes_with_text_version_or_purpose() -> None:
    base = Notice(version="1", published=date(2026, 1, 1), text=_("Text A"))
    other_text = Notice(version="1", published=date(2026, 1, 1), text=_("Text B"))
    other_version = Notice(version="2", published=date(2026, 1, 1), text=_("Text A"))

    assert base.hash_for("p") != other_text.hash_for("p")
    assert base.hash_for("p") != other_version.hash_for("p")
    assert base.hash_for("p") != base.hash_for("q")
    assert base.hash_for("p") == Notice("1", date(2020, 5, 5), _("Text A")).hash_for("p")


def test_a_new_person_has_every_consent_off(cardholder: User) -> None:
    states = consent_states(subject=subject_of(cardholder))

    assert [s.purpose.key for s in states] == list(PURPOSES)
    assert not any(s.given or s.active or s.decided for s in states)


@pytest.mark.django_db
def test_signing_up_asks_for_no_consent_and_works_with_all_off(client: Client) -> None:
    page = client.get("/accounts/signup/").content.decode()
    assert 'type="checkbox"' not in page  # nothing pre-ticked, nothing bundled

    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.fi",
            "password1": "a long enough passphrase 123",
            "password2": "a long enough passphrase 123",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.fi")
    assert not any(s.decided for s in consent_states(subject=subject_of(user)))
