"""No personal value is in the database in plaintext: a dump of the whole database (the
SQLite file, or ``pg_dump`` on PostgreSQL) holds none of a full profile's sentinel values.
The login e-mail is the declared exception. Destroying the data key shreds the values."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.cards import identifiers
from kliento.cards import services as cards
from kliento.common.errors import DomainError
from kliento.consent import services as consent
from kliento.register import catalogue, services
from kliento.register.models import DataKey, ProfileValue
from tests.conftest import make_user

# Committed data: the dump runs outside the test's transaction (pg_dump is another process).
pytestmark = pytest.mark.django_db(transaction=True)

LOGIN_EMAIL = "sentinel.login.q7zx@example.fi"
UID = "04C0FFEE7A9B31"

# item -> (value entered, the sentinel strings that must not appear anywhere in plaintext)
PROFILE: dict[str, tuple[object, tuple[str, ...]]] = {
    "first_name": ("Qzsentfirst", ("Qzsentfirst",)),
    "last_name": ("Qzsentlast", ("Qzsentlast",)),
    "email": ("qzsent.mail@example.org", ("qzsent.mail@example.org",)),
    "phone": ("+358 40 918 2736", ("409182736", "40 918 2736")),
    "address": (
        {"street": "Qzsentkatu 77", "postal_code": "98761", "city": "Qzsentcity"},
        ("Qzsentkatu", "Qzsentcity"),
    ),
    "username": ("qzsent_user", ("qzsent_user",)),
    "date_of_birth": ("1931-07-29", ("1931-07-29",)),
    "gender": ("other", ()),
    "title": ("Qzsenttitle engineer", ("Qzsenttitle",)),
    "mother_tongue": ("sv", ()),
    "preferences": ("Qzsentpref oat milk, window seat", ("Qzsentpref",)),
    "favourite_products": ("Qzsentproduct, liquorice", ("Qzsentproduct",)),
    "interests": ("Qzsentinterest, orienteering", ("Qzsentinterest",)),
    "feedback": ("Qzsentfeedback: the queue was long", ("Qzsentfeedback",)),
    "clothes_size": ("XL", ()),
    "shoe_size": ("46", ()),
    "allergies": ("Qzsentallergy (peanuts)", ("Qzsentallergy",)),
}


@dataclass(frozen=True)
class Person:
    user: User
    sentinels: tuple[str, ...]


@pytest.fixture
def person() -> Person:
    """A person with every profile item of the catalogue, health consent and two cards."""
    user = make_user(LOGIN_EMAIL)
    subject = services.subject_of(user)
    me = Actor.person(user)
    consent.consent_give(
        subject=subject, purpose_key="health_data", language="en", channel="web", actor=me
    )
    for item_key, (value, _sentinels) in PROFILE.items():
        services.profile_value_set(subject=subject, item_key=item_key, value=value, actor=me)
    _card, number, _code = cards.card_issue_kliento(actor=Actor.system("tests"), holder=subject)
    found = cards.card_for_scan(identifiers.parse(UID), create=True)
    assert found.registration_code is not None
    cards.card_register(subject=subject, card_number=UID, code=found.registration_code, actor=me)
    sentinels = [s for _value, item_sentinels in PROFILE.values() for s in item_sentinels]
    sentinels += [number, UID, UID.lower()]
    return Person(user, tuple(sentinels))


def test_the_profile_covers_every_profile_item_of_the_catalogue() -> None:
    assert set(PROFILE) == {item.key for item in catalogue.PROFILE_ITEMS}


def _pg_dump() -> bytes:
    settings = connection.settings_dict
    pg_dump = shutil.which("pg_dump") or "/usr/bin/pg_dump"
    command = [pg_dump, "--no-owner", "--dbname", settings["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    env = {**os.environ, "PGPASSWORD": str(settings.get("PASSWORD") or "")}
    result = subprocess.run(command, capture_output=True, env=env, check=True)  # noqa: S603
    return result.stdout


def _sqlite_file() -> bytes:
    """The database as SQLite stores it: a file copy through VACUUM INTO (works for the
    in-memory test database too), plus the live file after a WAL checkpoint if there is one."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "dump.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("VACUUM INTO %s", [str(copy)])
        content = copy.read_bytes()
    live = Path(str(connection.settings_dict["NAME"]))
    if live.is_file():
        content += live.read_bytes()
    return content


def dump() -> bytes:
    return _pg_dump() if connection.vendor == "postgresql" else _sqlite_file()


def _holds(content: bytes, raw: bytes) -> bool:
    """Plain bytes, or the hex form in which pg_dump writes bytea columns."""
    return raw in content or raw.hex().encode() in content


def _found(content: bytes, sentinel: str) -> bool:
    return _holds(content, sentinel.encode())


def test_no_sentinel_value_is_in_the_database_dump(person: Person) -> None:
    content = dump()

    assert _found(content, LOGIN_EMAIL), "the dump must show the declared exception"
    leaked = [sentinel for sentinel in person.sentinels if _found(content, sentinel)]
    assert leaked == []
    assert ProfileValue.objects.filter(subject__user=person.user).count() == len(PROFILE)


def test_destroying_the_data_key_makes_every_value_unreadable(person: Person) -> None:
    subject = services.subject_of(person.user)
    wrapped = bytes(DataKey.objects.get(subject=subject).wrapped_key)
    assert _holds(dump(), wrapped)  # the wrapped key is in the database before

    assert services.subject_key_destroy(subject=subject, actor=Actor.system("erasure"))

    with pytest.raises(DomainError, match="erased"):
        services.profile_read(subject=subject, actor=Actor.person(person.user), purpose="")
    with pytest.raises(DomainError):
        services.profile_value_set(
            subject=subject, item_key="first_name", value="New", actor=Actor.person(person.user)
        )
    content = dump()
    assert not _holds(content, wrapped)
    assert [s for s in person.sentinels if _found(content, s)] == []
    # A second call finds nothing to destroy and says so.
    assert not services.subject_key_destroy(subject=subject, actor=Actor.system("erasure"))
