"""The cost of encryption at rest, and key-rotation throughput.

    .venv/bin/python bench/register_crypto.py [--profiles 200] [--rounds 3] [--keys 20000]

(a) Writing and reading a full profile (every profile item of the catalogue, several
    e-mails, phones and addresses) through the register's services, encrypted, against
    the very same service calls with the cryptography switched off: the same rows, the
    same queries, the same audit entries, only the values stored in plaintext. Also the
    bare storage layer (bulk insert and select of the same rows, no services, no audit),
    where the cryptography's share is largest.
(b) ``kliento keys rotate`` throughput: data keys rewrapped per second, through the
    command's code path (batches of 1000, one transaction and one audit entry each),
    and the in-memory rewrap alone.

Runs on one core (the process pins itself to one CPU where the OS allows it), against a
fresh temporary SQLite database, or DATABASE_URL when given (its tables are created by
migrate; use an empty database). Rounds alternate encrypted and plaintext runs on fresh
people, and the best round of each counts, so that a busy machine skews both alike.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 1.3
GOAL_ROTATION = 5000

PROFILE: dict[str, Any] = {
    "first_name": "Anneli",
    "last_name": "Virtanen-Lindqvist",
    "username": "anneli_v",
    "date_of_birth": "1984-03-14",
    "gender": "female",
    "title": "Landscape architect",
    "mother_tongue": "fi",
    "preferences": "Oat milk, window seat, no plastic bags.",
    "favourite_products": "rye bread, liquorice, filter coffee",
    "interests": "orienteering, choir singing, mushrooms",
    "clothes_size": "M",
    "shoe_size": "39",
    "allergies": "Peanuts and birch pollen.",
}
MULTI: dict[str, list[Any]] = {
    "email": ["anneli.work@example.org", "anneli.home@example.net"],
    "phone": ["040 123 4567", "+358 50 765 4321"],
    "address": [
        {"street": "Mannerheimintie 12 B 7", "postal_code": "00100", "city": "Helsinki"},
        {"street": "Rantatie 3", "postal_code": "21600", "city": "Parainen"},
    ],
    "feedback": ["The new loyalty card works well at the café."],
}
VALUES_PER_PROFILE = len(PROFILE) + sum(len(v) for v in MULTI.values())


def setup_django() -> str:
    """Settings from the instance env file (created if missing) and a throw-away database."""
    os.environ.setdefault("KLIENTO_HOME", str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kliento.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    from kliento.config import instance

    instance.init()
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="kliento-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned"


@contextmanager
def plaintext() -> Iterator[None]:
    """Switch the register's cryptography off: values and keys are stored as they are,
    blind indexes become the value itself. Everything else runs unchanged."""
    from kliento.common import crypto

    saved = {
        name: getattr(crypto, name)
        for name in ("seal", "open_sealed", "unwrap_data_key", "wrap_data_key", "blind_index")
    }

    def seal(key: bytes, plain: bytes, aad: bytes) -> bytes:
        return plain

    def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
        return sealed

    def unwrap_data_key(wrapped: bytes, *, owner: str, kek_id: str) -> bytes:
        return wrapped

    def wrap_data_key(key: bytes, *, owner: str, kek_id: str | None = None) -> tuple[str, bytes]:
        return "plain", key

    def blind_index(kind: str, value: str) -> bytes:
        return value.encode()

    for function in (seal, open_sealed, unwrap_data_key, wrap_data_key, blind_index):
        setattr(crypto, function.__name__, function)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(crypto, name, function)


@contextmanager
def encrypted() -> Iterator[None]:
    yield


def make_people(count: int, tag: str) -> list[Any]:
    """People with a login and health consent (untimed set-up)."""
    from kliento.accounts import services as accounts
    from kliento.audit.actors import Actor
    from kliento.consent import services as consent
    from kliento.register import services

    people = []
    for n in range(count):
        user = accounts.user_create(
            email=f"bench-{tag}-{n}@example.org", password=None, actor=Actor.system("bench")
        )
        subject = services.subject_create(user=user, actor=Actor.system("bench"))
        consent.consent_give(
            subject=subject, purpose_key="health_data", language="en", channel="web",
            actor=Actor.person(user),
        )  # fmt: skip
        people.append((user, subject))
    return people


# SQLite runs inside this process, on the one pinned core: its CPU time is the work done,
# and other processes on a busy machine do not blur it. PostgreSQL works in its own
# process, so there the wall-clock time counts.
CLOCK: dict[str, Callable[[], float]] = {"clock": time.perf_counter}


def timed(function: Callable[[], None]) -> float:
    clock = CLOCK["clock"]
    started = clock()
    function()
    return clock() - started


Person = tuple[Any, Any]  # (user, subject)
Operation = Callable[[Person], None]


def service_operations() -> tuple[Operation, Operation]:
    """Write a person's full profile (one patch, then the multi-valued items one by one,
    as the profile page does), and read it back as the person."""
    from kliento.audit.actors import Actor
    from kliento.register import services

    patch = services.ProfilePatch(set=PROFILE, add={}, update={}, delete=[], primary=[])

    def write(person: Person) -> None:
        user, subject = person
        me = Actor.person(user)
        services.profile_patch(subject=subject, patch=patch, actor=me)
        for item_key, values in MULTI.items():
            for value in values:
                services.profile_value_set(
                    subject=subject, item_key=item_key, value=value, actor=me
                )

    def read(person: Person) -> None:
        user, subject = person
        profile = services.profile_read(subject=subject, actor=Actor.person(user), purpose="")
        assert sum(len(v) for v in profile.values()) == VALUES_PER_PROFILE

    return write, read


def storage_operations() -> tuple[Operation, Operation]:
    """The same rows without services: seal and bulk insert, select and open."""
    import json

    from kliento.common import crypto
    from kliento.register import catalogue
    from kliento.register.models import ProfileValue
    from kliento.register.services import _aad, _data_key

    rows_of = [*PROFILE.items(), *((k, v) for k, values in MULTI.items() for v in values)]

    def write(person: Person) -> None:
        _user, subject = person
        key = _data_key(subject)
        ProfileValue.objects.bulk_create(
            ProfileValue(
                subject=subject, item=item, is_primary=False,
                ciphertext=crypto.seal(key, json.dumps(value).encode(), _aad(subject, item)),
                lookup=crypto.blind_index(item, str(value))
                if catalogue.BY_KEY[item].lookup else None,
            )
            for item, value in rows_of
        )  # fmt: skip

    def read(person: Person) -> None:
        _user, subject = person
        key = _data_key(subject)
        values = [
            json.loads(crypto.open_sealed(key, bytes(r.ciphertext), _aad(subject, r.item)))
            for r in ProfileValue.objects.filter(subject=subject)
        ]
        assert len(values) == VALUES_PER_PROFILE

    return write, read


def compare(
    operations: tuple[Operation, Operation], profiles: int, rounds: int, tag: str
) -> dict[str, dict[str, float]]:
    """Per-profile milliseconds of each mode (best round, and the median round).

    Encrypted and plaintext runs alternate person by person (ABBA order), so a change in
    the machine's load during a round falls on both modes alike."""
    from kliento.register.models import Subject

    modes = ("encrypted", "plaintext")

    def context(mode: str) -> Any:
        return plaintext() if mode == "plaintext" else encrypted()

    for mode in modes:  # warm-up: imports, caches, phone number metadata
        for person in make_people(5, f"{tag}-warm-{mode}"):
            for operation in operations:
                with context(mode):
                    operation(person)
    results: dict[str, dict[str, list[float]]] = {m: {"write": [], "read": []} for m in modes}
    for round_no in range(rounds):
        people = {m: make_people(profiles, f"{tag}-{m}-{round_no}") for m in modes}
        for op_name, operation in zip(("write", "read"), operations, strict=True):
            totals = dict.fromkeys(modes, 0.0)
            for index in range(profiles):
                for mode in modes if index % 2 == 0 else reversed(modes):
                    user, subject = people[mode][index]
                    fresh = (user, Subject.objects.get(pk=subject.pk))  # no cached data key
                    with context(mode):
                        totals[mode] += timed(functools.partial(operation, fresh))
            for mode in modes:
                results[mode][op_name].append(totals[mode] * 1000 / profiles)
    return {
        mode: {op: min(times) for op, times in ops.items()} | {
            f"{op}_median": statistics.median(times) for op, times in ops.items()
        }
        for mode, ops in results.items()
    }  # fmt: skip


def rotation(keys: int) -> tuple[float, float]:
    """(keys/s through the command's code path, keys/s of the in-memory rewrap alone)."""
    from django.conf import settings
    from django.test import override_settings

    from kliento.audit.actors import Actor
    from kliento.backoffice import key_rotation
    from kliento.common import crypto
    from kliento.register.models import DataKey, Subject

    subjects = Subject.objects.bulk_create(Subject() for _ in range(keys))
    wrapped = []
    for subject in subjects:
        kek_id, key = crypto.wrap_data_key(crypto.new_data_key(), owner=str(subject.public_id))
        wrapped.append(DataKey(subject=subject, kek_id=kek_id, wrapped_key=key))
    DataKey.objects.bulk_create(wrapped, batch_size=1000)

    new_keys = {"bench-new": os.urandom(32), **settings.ENCRYPTION_KEYS}
    with override_settings(ENCRYPTION_KEYS=new_keys, ENCRYPTION_KEY_ID="bench-new"):
        sample = [(bytes(d.wrapped_key), str(d.subject.public_id), d.kek_id) for d in wrapped]

        def rewrap_all() -> None:
            for blob, owner, kek_id in sample:
                crypto.rewrap_data_key(blob, owner=owner, kek_id=kek_id)

        in_memory = len(sample) / timed(rewrap_all)

        plan = key_rotation.rotation_plan()
        pending = plan.total("data_keys")
        target = key_rotation.targets()[0]
        rotated: list[int] = []

        def rotate_all() -> None:
            batches = key_rotation.rotate(
                target=target, batch_size=1000, actor=Actor.system("bench")
            )
            rotated.extend(batch.rotated for batch in batches)

        elapsed = timed(rotate_all)
        done = sum(rotated)
        command_path = done / elapsed
        assert done == pending >= keys
    return command_path, in_memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keys", type=int, default=20000)
    args = parser.parse_args()

    database = setup_django()
    pinned = pin_to_one_core()
    from django.db import connection

    if connection.vendor == "sqlite":
        CLOCK["clock"] = time.process_time
    clock_name = "CPU time" if connection.vendor == "sqlite" else "wall-clock time"
    print(
        f"Kliento register crypto benchmark: {connection.vendor} ({database}), {pinned}\n"
        f"{args.profiles} profiles x {VALUES_PER_PROFILE} values, best of {args.rounds} "
        f"rounds, {clock_name}"
    )
    service = compare(service_operations(), args.profiles, args.rounds, "svc")
    storage = compare(storage_operations(), args.profiles, args.rounds, "raw")

    print()
    print(
        f"{'ms per profile (best round)':<38}{'encrypted':>10}{'plaintext':>11}{'ratio':>8}"
        f"{'median':>8}   goal"
    )
    for title, figures in (("services", service), ("storage layer only", storage)):
        for op in ("write", "read"):
            enc, plain = figures["encrypted"][op], figures["plaintext"][op]
            median = figures["encrypted"][f"{op}_median"] / figures["plaintext"][f"{op}_median"]
            goal = "met" if enc / plain <= GOAL_RATIO else "missed"
            print(
                f"{title + ': ' + op + ' full profile':<38}{enc:>10.2f}{plain:>11.2f}"
                f"{enc / plain:>7.2f}x{median:>7.2f}x   <= {GOAL_RATIO}x {goal}"
            )
        enc = figures["encrypted"]["write"] + figures["encrypted"]["read"]
        plain = figures["plaintext"]["write"] + figures["plaintext"]["read"]
        print(f"{title + ': write + read':<38}{enc:>10.2f}{plain:>11.2f}{enc / plain:>7.2f}x")

    command_path, in_memory = rotation(args.keys)
    print()
    print(f"Key rotation, {args.keys} data keys, batches of 1000:")
    goal = "met" if command_path >= GOAL_ROTATION else "missed"
    print(
        f"  kliento keys rotate path   {command_path:>10,.0f} data keys/s   "
        f">= {GOAL_ROTATION:,}/s {goal}"
    )
    print(f"  rewrap in memory only      {in_memory:>10,.0f} data keys/s")
    print(
        f"  (one data key covers all of a person's values: {VALUES_PER_PROFILE} for the "
        f"profile above, i.e. {command_path * VALUES_PER_PROFILE:,.0f} values/s; values "
        "are never re-encrypted)"
    )


if __name__ == "__main__":
    main()
