"""Privacy benchmark: the streamed export and the erasure of a person with a long history.

A person with N visits (default 100 000, made with bulk_create, each with a loyalty
ledger entry) and a full profile: the time of a full streamed export (the JSON the
download and ``GET /api/v1/me/export`` send) and its peak extra memory (tracemalloc,
in a separate run because tracing slows Python down); then the time of
``account_cancel`` for that person against a person with 10 visits, and the time of the
background step that detaches the released cards' history.

    .venv/bin/python bench/privacy.py [--visits 100000] [--rounds 3]

Runs on a fresh temporary SQLite database, or on DATABASE_URL when given (migrated;
use an empty database). Goals: export under 2 s and 50 MB extra; erasure of the long
history within 1.5x of the short one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def setup_django() -> str:
    """Settings from the instance env file (created if missing) and a throw-away database."""
    os.environ.setdefault("KLIENTO_HOME", str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kliento.config.settings")
    os.environ.setdefault("KLIENTO_TASKS_BACKEND", "database")  # the detach task is timed apart
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


class World:
    """A merchant with premises and a points program, and a counter for people."""

    def __init__(self) -> None:
        from kliento.accounts.services import user_create
        from kliento.audit.actors import Actor
        from kliento.merchants.models import Membership, Merchant, Premises
        from kliento.visits.models import LoyaltyProgram

        stamp = int(time.time())
        owner = user_create(
            email=f"bench.owner.{stamp}@example.fi",
            password="x" * 20,
            actor=Actor.system("bench"),
            verified=True,
        )
        self.merchant = Merchant.objects.create(
            name="Bench Kahvila", business_id="", status=Merchant.Status.APPROVED
        )
        Membership.objects.create(merchant=self.merchant, user=owner, role="owner")
        self.premises = Premises.objects.create(
            merchant=self.merchant, name="Kamppi", street="Urho Kekkosen katu 1",
            postal_code="00100", city="Helsinki",
        )  # fmt: skip
        self.program = LoyaltyProgram.objects.create(
            merchant=self.merchant, name="Bench points", kind=LoyaltyProgram.Kind.POINTS,
            points_per_visit=10, reward_name="Coffee", reward_points=500,
        )  # fmt: skip
        self.system = Actor.system("bench")
        self.count = 0
        self.stamp = stamp

    def person(self, visits: int) -> Any:
        """A registered person with a full profile, two cards and ``visits`` visits."""
        from django.utils import timezone

        from kliento.accounts.services import user_create
        from kliento.audit.actors import Actor
        from kliento.cards.services import card_issue_kliento
        from kliento.register import services as register
        from kliento.visits.models import LedgerEntry, Visit

        self.count += 1
        user = user_create(
            email=f"bench.person.{self.stamp}.{self.count}@example.fi",
            password="x" * 20, actor=Actor.system("bench"), verified=True,
        )  # fmt: skip
        subject = register.subject_of(user)
        me = Actor.person(user)
        for key, value in (("first_name", "Bench"), ("last_name", "Person"),
                           ("email", "bench@example.org"), ("phone", "+358401234567")):  # fmt: skip
            register.profile_value_set(subject=subject, item_key=key, value=value, actor=me)
        cards = [card_issue_kliento(actor=self.system, holder=subject)[0] for _ in range(2)]
        start = timezone.now() - timedelta(days=3 * 365)
        step = timedelta(days=3 * 365) / max(visits, 1)
        batch = 10_000
        for offset in range(0, visits, batch):
            rows = [
                Visit(
                    merchant=self.merchant,
                    premises=self.premises,
                    card=cards[i % 2],
                    amount_cents=500 + i % 2000,
                    at=start + step * i,
                )
                for i in range(offset, min(offset + batch, visits))
            ]
            created = Visit.objects.bulk_create(rows)
            LedgerEntry.objects.bulk_create(
                LedgerEntry(
                    program=self.program,
                    card=cards[i % 2],
                    visit=visit,
                    kind=LedgerEntry.Kind.EARN,
                    points=10,
                    reason="visit",
                    actor_kind="terminal",
                    actor_id="bench",
                    at=visit.at,
                )
                for i, visit in enumerate(created, start=offset)
            )
        return subject, user


def export_once(subject: Any) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of one full export, and its size in characters."""
    from kliento.privacy.export import stream_json

    started, cpu = time.perf_counter(), time.process_time()
    size = sum(len(chunk) for chunk in stream_json(subject))
    return time.perf_counter() - started, time.process_time() - cpu, size


def export_peak(subject: Any) -> int:
    from kliento.privacy.export import stream_json

    tracemalloc.start()
    baseline, _peak = tracemalloc.get_traced_memory()
    for _chunk in stream_json(subject):
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - baseline


def settle() -> None:
    """Let the database write out what making the person left behind (SQLite's WAL
    checkpoint, PostgreSQL's statistics), so the timing measures only the erasure."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("ANALYZE")


def erase_once(world: World, visits: int) -> tuple[float, float]:
    """Seconds for account_cancel, and for the background detach of the history."""
    from kliento.audit.actors import Actor
    from kliento.cards.models import Card
    from kliento.privacy.services import account_cancel, cards_detach

    subject, user = world.person(visits)
    card_ids = list(Card.objects.filter(holder=subject).values_list("pk", flat=True))
    settle()
    started = time.perf_counter()
    account_cancel(subject=subject, actor=Actor.person(user))
    cancel = time.perf_counter() - started
    started = time.perf_counter()
    cards_detach(card_ids=card_ids)
    return cancel, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=100_000, help="visits of the long history")
    parser.add_argument("--short", type=int, default=10, help="visits of the short history")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds (median)")
    args = parser.parse_args()
    url = setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    world = World()
    started = time.perf_counter()
    subject, _user = world.person(args.visits)
    print(f"made a person with {args.visits} visits in {time.perf_counter() - started:.1f} s")

    export_once(subject)  # warm-up
    runs = [export_once(subject) for _ in range(args.rounds)]
    export_s = statistics.median(run[0] for run in runs)
    export_cpu = statistics.median(run[1] for run in runs)
    size = runs[0][2]
    peak = export_peak(subject)

    long_runs = [erase_once(world, args.visits) for _ in range(args.rounds)]
    short_runs = [erase_once(world, args.short) for _ in range(args.rounds)]
    long_cancel = statistics.median(r[0] for r in long_runs)
    short_cancel = statistics.median(r[0] for r in short_runs)
    long_detach = statistics.median(r[1] for r in long_runs)
    short_detach = statistics.median(r[1] for r in short_runs)

    ratio = long_cancel / short_cancel
    rows = [
        ("export, streamed (s)", f"{export_s:.2f}", "< 2", export_s < 2),
        ("export, CPU time of this process (s)", f"{export_cpu:.2f}", "", None),
        ("export, peak extra memory (MB)", f"{peak / 1e6:.1f}", "< 50", peak < 50e6),
        ("export, size (MB)", f"{size / 1e6:.1f}", "", None),
        (f"cancel, {args.visits} visits (ms)", f"{long_cancel * 1000:.0f}", "", None),
        (f"cancel, {args.short} visits (ms)", f"{short_cancel * 1000:.0f}", "", None),
        ("cancel, long / short", f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5),
        (f"background detach, {args.visits} visits (s)", f"{long_detach:.2f}", "", None),
        (f"background detach, {args.short} visits (ms)", f"{short_detach * 1000:.0f}", "", None),
    ]
    print(f"\n{'measure':<42} {'figure':>9} {'goal':>8}  met")
    for name, figure, goal, met in rows:
        mark = "" if met is None else ("yes" if met else "NO")
        print(f"{name:<42} {figure:>9} {goal:>8}  {mark}")
    print(f"(median of {args.rounds} rounds; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
