"""The generated privacy notice and records of processing: complete, in three
languages, versioned only when the content changes, and shown at /privacy/."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.consent.purposes import PURPOSES
from kliento.consent.services import consent_give
from kliento.disclosures import notice
from kliento.disclosures.models import NoticeVersion, Recipient
from kliento.register import catalogue
from kliento.register.catalogue import LegalBasis, Purpose, Source
from kliento.register.models import Subject
from tests.disclosures.conftest import make_recipient, staff_client

pytestmark = pytest.mark.django_db
URL = "https://hooks.example.com/kliento"


def _text(language: str) -> str:
    return html.unescape(notice.notice_texts()[language])


def test_every_enum_member_has_its_labels() -> None:
    assert set(notice.PURPOSE_LABELS) == set(Purpose)
    assert set(notice.PURPOSE_DESCRIPTIONS) == set(Purpose)
    assert set(notice.BASIS_LABELS) == set(LegalBasis)
    assert set(notice.SOURCE_LABELS) == set(Source)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_catalogue_item_and_purpose_is_in_the_notice(language: str) -> None:
    text = _text(language)
    with override(language):
        missing = [i.key for i in catalogue.ITEMS if str(i.label) not in text]
        missing += [p.key for p in PURPOSES.values() if str(p.label) not in text]
        missing += [p.value for p in Purpose if str(notice.PURPOSE_LABELS[p]) not in text]
        missing += [i.key for i in catalogue.ITEMS if str(i.retention.description) not in text]
    assert missing == []


def test_the_notice_says_what_the_law_requires() -> None:
    text = _text("en")
    for needed in (
        "Kliento Oy", "Annankatu 27 A", "00100 Helsinki", str(notice.CONTROLLER["email"]),
        "Tietosuojavaltuutetun toimisto", "supervisory authority", "automated processing",
        "Portability", "Restriction", "Objection", "one month", "Requests are free",
        "outside the EU and EEA", "Card issuers", "Partners", "Service providers",
    ):  # fmt: skip
        assert needed in text, needed
    assert "more than once per year" not in text  # the policy's fee, corrected
    # what the code does when a customership ends (privacy.account_cancel, decision 0013)
    assert "nothing moves to a marketing register: your profile is erased" in text


def test_languages_differ_where_translations_exist() -> None:
    texts = notice.notice_texts()
    assert set(texts) == {"fi", "sv", "en"}
    with override("fi"):
        first_name_fi = str(catalogue.BY_KEY["first_name"].label)
    assert first_name_fi != "First name"
    assert first_name_fi in html.unescape(texts["fi"])


def test_recipients_appear_in_the_notice_and_ropa(admin: Actor) -> None:
    make_recipient(admin, Recipient.Kind.PROCESSOR, URL, name="Tekstari Oy",
                   items=["phone"], purposes=["service"])  # fmt: skip
    make_recipient(admin, Recipient.Kind.PARTNER, URL, name="Faraway Inc", country="US",
                   transfer_safeguard="EU standard contractual clauses")  # fmt: skip
    text = _text("en")
    assert "Tekstari Oy: Sends text messages" in text
    assert "Faraway Inc (US): EU standard contractual clauses" in text
    with override("en"):
        doc = notice.document()
    service = next(p for p in doc.purposes if p.key == "service")
    assert any("Tekstari Oy" in r for r in service.recipients)


def test_publish_versions_only_changed_content(admin: Actor, capsys: Any) -> None:
    first, created = notice.notice_publish()
    assert (first.number, created) == (1, True)
    again, created = notice.notice_publish()
    assert (again.pk, created) == (first.pk, False)
    call_command("notice", "publish")
    assert "Unchanged: version 1" in capsys.readouterr().out
    assert NoticeVersion.objects.count() == 1

    make_recipient(admin, Recipient.Kind.PROCESSOR, URL, name="Tekstari Oy")
    call_command("notice", "publish")
    assert "Published privacy notice version 2" in capsys.readouterr().out
    second = NoticeVersion.objects.get(number=2)
    assert second.content_hash != first.content_hash
    assert "Tekstari Oy" in second.texts["sv"]
    assert "Tekstari Oy" not in first.texts["en"]
    assert second.content_hash == notice.content_hash(second.texts)


def test_consent_events_point_to_the_version_the_person_saw(cardholder: User) -> None:
    from kliento.register.services import subject_of

    subject: Subject = subject_of(cardholder)
    v1, _ = notice.notice_publish()
    event = consent_give(subject=subject, purpose_key="surveys", language="fi",
                         channel="web", actor=Actor.person(cardholder))  # fmt: skip
    NoticeVersion.objects.create(number=2, content_hash="0" * 64, texts=v1.texts,
                                 published_at=timezone.now() + timedelta(seconds=1))  # fmt: skip
    assert notice.notice_version_at(event.at) == v1
    later = notice.notice_version_at(timezone.now() + timedelta(seconds=2))
    assert later is not None
    assert later.number == 2


def test_privacy_page_shows_the_current_version_and_older_ones(client: Any, admin: Actor) -> None:
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "has not been published" in page
    notice.notice_publish()
    make_recipient(admin, Recipient.Kind.PROCESSOR, URL, name="Tekstari Oy")
    notice.notice_publish()

    current = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    old = client.get("/privacy/versions/1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Version 2" in current
    assert "Tekstari Oy" in current
    assert "earlier version" in old
    assert "Tekstari Oy" not in old.split("All versions")[0]
    fi = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert 'lang="fi"' in fi
    assert client.get("/privacy/versions/9/").status_code == 404


def test_ropa_lists_every_item_and_consent_purpose(staff_user: Any) -> None:
    client = staff_client(staff_user, StaffRole.PRIVACY_OFFICER)
    page = client.get("/staff/ropa/").content.decode()
    for item in catalogue.ITEMS:
        assert f'data-item="{item.key}"' in page, item.key
    for key in PURPOSES:
        assert f'data-purpose="{key}"' in page, key
    for purpose in Purpose:
        assert f'id="ropa-{purpose.value}"' in page


@pytest.mark.parametrize("role", [StaffRole.MARKETING, StaffRole.CUSTOMER_SERVICE])
def test_ropa_is_not_for_everyone(staff_user: Any, role: StaffRole) -> None:
    assert staff_client(staff_user, role).get("/staff/ropa/").status_code == 403
