"""Check-in benchmark: a load generator against the running server on PostgreSQL.

It prepares a database (migrate, a merchant with premises, loyalty programs and a
terminal token, N cards of which some are registered to people), starts ``kliento
serve`` (gunicorn) on a free port, fires ``POST /api/v1/checkins`` from several threads
over keep-alive connections for a fixed time, prints requests per second, p50/p95/p99
latency and the error count, and stops the server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kliento_bench \\
        .venv/bin/python bench/checkin.py --seconds 20 --concurrency 8

The database is created when missing and reused otherwise (its bench merchant and
cards too). Secrets come from the local instance (``instance/kliento.env``), as for
``make run``; the server runs with ``KLIENTO_DEBUG=0``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
MERCHANT_NAME = "Bench Kahvila"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured duration")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured warm-up")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--cards", type=int, default=2000, help="cards to check in")
    parser.add_argument("--registered", type=int, default=20, help="cards with a holder")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--keep-server-log", action="store_true", help="print its log on exit")
    return parser.parse_args()


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must name a PostgreSQL database, for example "
            "postgres://postgres@127.0.0.1:5432/kliento_bench"
        )
    return url


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` when it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


@dataclass
class Fixture:
    token: str
    cards: list[str]


def prepare(cards: int, registered: int) -> Fixture:
    """Migrate and create (or reuse) the bench merchant, its terminal and the cards."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kliento.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from kliento.accounts import services as accounts
    from kliento.accounts.models import User
    from kliento.audit.actors import Actor
    from kliento.cards.identifiers import KLIENTO_PREFIX, Scanned, luhn_digit
    from kliento.cards.models import Card
    from kliento.cards.services import card_for_scan, card_lookup, card_register
    from kliento.merchants import services as merchants
    from kliento.merchants.models import Membership, Merchant
    from kliento.register.services import subject_of
    from kliento.visits.models import LoyaltyProgram

    call_command("migrate", verbosity=0, interactive=False)
    system = Actor.system("bench")
    owner = User.objects.filter(email="owner@bench.kliento.example").first()
    owner = owner or accounts.user_create(
        email="owner@bench.kliento.example",
        password=None,
        actor=Actor.system("bench"),
        verified=True,
    )
    merchant = Merchant.objects.filter(name=MERCHANT_NAME).first()
    if merchant is None:
        merchant = merchants.merchant_create(
            name=MERCHANT_NAME, business_id="", owner=owner, actor=system
        )
        merchants.merchant_set_status(
            merchant=merchant, status=Merchant.Status.APPROVED, actor=system
        )
    membership = Membership.objects.get(merchant=merchant, user=owner)
    actor = Actor.merchant_staff(
        owner, role=membership.role, merchant_id=str(merchant.public_id), premises_id=None
    )
    premises = merchant.premises.first() or merchants.premises_create(
        membership=membership, name="Keskusta", street="Aleksanterinkatu 1",
        postal_code="00100", city="Helsinki", actor=actor,
    )  # fmt: skip
    LoyaltyProgram.objects.get_or_create(
        merchant=merchant, name="Bench points",
        defaults={"kind": "points", "points_per_euro": 1, "points_per_visit": 5,
                  "reward_name": "Coffee", "reward_points": 500},
    )  # fmt: skip
    LoyaltyProgram.objects.get_or_create(
        merchant=merchant, name="Bench stamps",
        defaults={"kind": "stamps", "stamps_required": 10, "reward_name": "Free coffee"},
    )  # fmt: skip
    # A fresh terminal each run: its token is shown only once.
    _terminal, token = merchants.terminal_create(
        membership=membership, premises=premises, name=f"bench {time.time():.0f}", actor=actor
    )

    numbers = []
    for serial in range(cards):
        body = f"{KLIENTO_PREFIX}9{serial:010d}"
        numbers.append(body + luhn_digit(body))
    existing = {
        bytes(lookup)
        for lookup in Card.objects.filter(
            lookup__in=[card_lookup(Card.Kind.KLIENTO, n) for n in numbers]
        ).values_list("lookup", flat=True)
    }
    created = 0
    for index, number in enumerate(numbers):
        if card_lookup(Card.Kind.KLIENTO, number) in existing:
            continue
        found = card_for_scan(Scanned(kind="kliento", value=number), create=True)
        created += 1
        if index < registered and found.registration_code:
            email = f"person{index}@bench.kliento.example"
            person = User.objects.filter(email=email).first() or accounts.user_create(
                email=email, password=None, actor=Actor.system("bench"), verified=True
            )
            card_register(
                subject=subject_of(person), card_number=number, code=found.registration_code,
                actor=Actor.person(person),
            )  # fmt: skip
    print(f"prepared: {len(numbers)} cards ({created} new, {registered} registered)")
    connections.close_all()
    return Fixture(token=token, cards=numbers)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KLIENTO_DEBUG": "0", "KLIENTO_HTTPS": "0"}
    kliento = Path(sys.executable).with_name("kliento")
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
            [str(kliento), "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--threads", str(threads)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited with {process.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    sys.exit(f"the server did not become ready; see {log}")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def client(port: int, fixture: Fixture, start: float, stop: float, tally: Tally) -> None:
    """One keep-alive connection checking in random cards until ``stop``."""
    rng = random.Random()
    headers = {"Authorization": f"Bearer {fixture.token}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while (now := time.monotonic()) < stop:
        body = json.dumps({"card": rng.choice(fixture.cards), "amount": rng.randint(100, 5000)})
        began = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/checkins", body, headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - began
        if now < start:  # warming up
            continue
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if status != 201:
            tally.errors += 1
        else:
            tally.latencies.append(elapsed)
    conn.close()


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


def main() -> None:
    args = parse_args()
    url = database_url()
    ensure_database(url)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT / "src"))
    fixture = prepare(args.cards, args.registered)
    port = free_port()
    log = ROOT / "test-artifacts" / "bench-checkin-server.log"
    log.parent.mkdir(exist_ok=True)
    server = start_server(port, args.workers, args.threads, log)
    try:
        begin = time.monotonic()
        start = begin + args.warmup
        stop = start + args.seconds
        tallies = [Tally() for _ in range(args.concurrency)]
        threads = [
            threading.Thread(target=client, args=(port, fixture, start, stop, tally))
            for tally in tallies
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(x for t in tallies for x in t.latencies)
    errors = sum(t.errors for t in tallies)
    statuses: dict[int, int] = {}
    for tally in tallies:
        for status, count in tally.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    total = len(latencies) + errors
    ms = [x * 1000 for x in latencies]
    print(
        f"check-in benchmark: {args.seconds:.0f} s, {args.concurrency} clients, "
        f"gunicorn {args.workers} workers x {args.threads} threads, {len(fixture.cards)} cards"
    )
    print(f"  requests      {total}  ({total / args.seconds:.1f} req/s)")
    print(f"  successful    {len(latencies)}  ({len(latencies) / args.seconds:.1f} req/s)")
    print(f"  errors        {errors}  statuses {dict(sorted(statuses.items()))}")
    if ms:
        print(
            f"  latency ms    p50 {percentile(ms, 50):.1f}  p95 {percentile(ms, 95):.1f}  "
            f"p99 {percentile(ms, 99):.1f}  mean {statistics.fmean(ms):.1f}  max {ms[-1]:.1f}"
        )
    if args.keep_server_log:
        print(log.read_text(encoding="utf-8")[-4000:])


if __name__ == "__main__":
    main()
