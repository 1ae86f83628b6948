"""Campaign audience for 1 000 000 people on PostgreSQL, and e-mail send throughput.

    DATABASE_URL=postgres://.../<empty database> .venv/bin/python bench/marketing_audience.py \
        [--people 1000000] [--messages 2000]

(a) Fills the tables the audience query reads, server-side with INSERT ... SELECT over
    generate_series (no Python loop, no accounts): register subjects, one consent event
    each (e-mail marketing given for 60 %, withdrawn for 10 %, nothing else for 30 %),
    the current-consent rows, marketing attributes (language for 80 %, city for 50 %
    among 50 cities, 1-2 favourite products among 100 for 40 %), a primary e-mail
    profile value with its blind index for everyone and 10 000 suppressed addresses.
    Then times the audience query of ``kliento.marketing.selectors.audience`` (COUNT over
    it, best of 3) for a consent-only campaign and for a segmented one (language + city
    + product), and once the INSERT ... SELECT that records every inclusion.
(b) Sends ``--messages`` e-mails through the real pipeline (campaign_start, then
    campaign_deliver in batches: consent re-check from the log, the profile read of the
    address with its audit entry, suppression check, Django's SMTP backend) to a local
    aiosmtpd server, and prints messages per second.

Needs PostgreSQL (DATABASE_URL); use a database of its own: the tables are emptied.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 1.0


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL=postgres://... is required (the goal is for PostgreSQL)")
    os.environ.setdefault("KLIENTO_HOME", str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kliento.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    from kliento.config import instance

    instance.init()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def best_of(runs: int, work: Any) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def fill(people: int) -> None:
    from django.db import connection

    from kliento.common import crypto
    from kliento.marketing.segments import city_tag, product_tag

    cities = [city_tag(f"City {i}") for i in range(50)]
    products = [product_tag(f"Product {i}") for i in range(100)]
    suppressed = [crypto.blind_index("email", f"person{i}@example.org") for i in range(10_000)]
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE marketing_recipient, marketing_campaign, marketing_currentconsent, "
            "marketing_producttag, marketing_marketingprofile, marketing_suppression, "
            "register_profilevalue, consent_consentevent, register_subject RESTART IDENTITY CASCADE"
        )
        steps: list[tuple[str, str, list[Any]]] = [
            ("subjects", "INSERT INTO register_subject (public_id, created_at) "
             "SELECT gen_random_uuid(), now() FROM generate_series(1, %s)", [people]),
            ("consent events", "INSERT INTO consent_consentevent (public_id, subject_id, "
             "purpose, notice_version, notice_hash, language, channel, action, at, actor_kind, "
             "actor_id, reason) SELECT gen_random_uuid(), id, 'email_marketing', '1', "
             "repeat('0', 64), 'fi', 'web', CASE WHEN id %% 10 < 6 THEN 'given' "
             "ELSE 'withdrawn' END, now(), 'person', id::text, '' FROM register_subject "
             "WHERE id %% 10 < 7", []),
            ("current consent", "INSERT INTO marketing_currentconsent (subject_id, purpose, "
             "granted, action, notice_version, event_id, at) SELECT subject_id, purpose, "
             "action = 'given', action, notice_version, id, at FROM consent_consentevent", []),
            ("marketing attributes", "INSERT INTO marketing_marketingprofile (subject_id, "
             "use_language, use_city, use_products, language, city_tag, updated_at) "
             "SELECT id, id %% 5 < 4, id %% 2 = 0, id %% 5 < 2, CASE WHEN id %% 5 < 4 THEN "
             "(ARRAY['fi','sv','en'])[1 + id %% 3] ELSE '' END, CASE WHEN id %% 2 = 0 THEN "
             "(%s::bytea[])[1 + (id / 100) %% 50] END, now() FROM register_subject",
             [cities]),
            ("product tags", "INSERT INTO marketing_producttag (subject_id, tag) "
             "SELECT id, (%s::bytea[])[1 + id %% 100] FROM register_subject WHERE id %% 5 < 2 "
             "UNION ALL SELECT id, (%s::bytea[])[1 + (id %% 100 + 1 + (id / 7) %% 98) %% 100] "
             "FROM register_subject WHERE id %% 5 = 0", [products, products]),
            ("profile e-mails", "INSERT INTO register_profilevalue (public_id, subject_id, "
             "item, ciphertext, lookup, is_primary, created_at, updated_at) SELECT "
             "gen_random_uuid(), s.id, 'email', '\\x00'::bytea, CASE WHEN s.id <= 10000 "
             "THEN (%s::bytea[])[s.id] ELSE decode(md5(s.id::text) || md5(s.id::text), 'hex') "
             "END, true, now(), now() FROM register_subject s", [suppressed]),
            ("suppressions", "INSERT INTO marketing_suppression (channel, digest, source, "
             "created_at) SELECT 'email', d, 'bench', now() FROM unnest(%s::bytea[]) d",
             [suppressed]),
        ]  # fmt: skip
        for label, sql, params in steps:
            start = time.perf_counter()
            cur.execute(sql, params)
            print(f"  {label:<22} {cur.rowcount:>10,} rows  {time.perf_counter() - start:6.1f} s")
        cur.execute("ANALYZE")


def audience_timings(people: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from kliento.audit.actors import Actor
    from kliento.marketing import services
    from kliento.marketing.models import Campaign
    from kliento.marketing.selectors import audience

    now = timezone.now()
    plain = Campaign(channel="email", purpose="email_marketing")
    segmented = Campaign(
        channel="email", purpose="email_marketing", segment_language="sv",
        segment_city="City 7", segment_product="Product 16",
    )  # fmt: skip
    for label, campaign in (("consent only", plain), ("language+city+product", segmented)):
        query = audience(campaign, moment=now)
        sql, params = query.values_list("s_id", "e_id").query.sql_with_params()
        result: list[int] = []

        def count(sql: str = sql, params: Any = params, out: list[int] = result) -> None:
            with connection.cursor() as cur:
                cur.execute(f"SELECT count(*) FROM ({sql}) a", params)  # noqa: S608
                out[:] = [cur.fetchone()[0]]

        seconds = best_of(3, count)
        verdict = "ok" if seconds < GOAL_SECONDS else "over the goal"
        print(f"  audience, {label:<22} {result[0]:>9,} people  {seconds * 1000:7.0f} ms  "
              f"(best of 3; goal < {GOAL_SECONDS:.0f} s: {verdict})")  # fmt: skip

    real = Campaign.objects.create(
        name="bench", channel="email", purpose="email_marketing", content={},
        scheduled_at=now, base_url="http://localhost", created_by="bench",
    )  # fmt: skip
    start = time.perf_counter()
    with transaction.atomic():
        included = services.campaign_start(campaign=real, actor=Actor.system("bench"))
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    print(f"  recording every inclusion (INSERT ... SELECT): {included:,} rows  {seconds:.1f} s")
    del people


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def throughput(messages: int) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from kliento.accounts.models import User
    from kliento.audit.actors import Actor
    from kliento.consent import services as consent
    from kliento.marketing import services
    from kliento.marketing.models import Recipient
    from kliento.register import services as register

    with connection.cursor() as cur:
        cur.execute("TRUNCATE marketing_recipient, marketing_campaign, "
                    "marketing_currentconsent, register_subject CASCADE")  # fmt: skip
    User.objects.filter(email__endswith="@bench.example").delete()
    UNUSABLE = make_password(None)  # noqa: N806
    users = User.objects.bulk_create(
        [User(email=f"reader{i}@bench.example", password=UNUSABLE) for i in range(messages)]
    )
    system = Actor.system("bench")
    for user in users:
        subject = register.subject_create(user=user, actor=system)
        consent.consent_give(
            subject=subject, purpose_key="email_marketing", language="fi", channel="web",
            actor=Actor.person(user),
        )  # fmt: skip
    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.KLIENTO_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "", ""
    try:
        draft = services.CampaignDraft(
            name="throughput", channel="email", purpose="email_marketing",
            content={lang: {"subject": "Hello", "body": "Offer."} for lang in ("fi", "sv", "en")},
            scheduled_at=timezone.now(),
        )  # fmt: skip
        marketer, _new = User.objects.get_or_create(
            email="marketer@bench.example", defaults={"password": UNUSABLE}
        )
        actor = Actor.staff(marketer, "marketing")
        campaign = services.campaign_create(draft=draft, base_url="http://localhost/", actor=actor)
        start = time.perf_counter()
        services.campaign_start(campaign=campaign, actor=system)
        ids = list(Recipient.objects.filter(campaign=campaign).values_list("pk", flat=True))
        for first in range(0, len(ids), services.BATCH_SIZE):
            services.campaign_deliver(
                campaign=campaign, recipient_ids=ids[first : first + services.BATCH_SIZE],
                attempt=1,
            )  # fmt: skip
        seconds = time.perf_counter() - start
    finally:
        controller.stop()
    sent = Recipient.objects.filter(campaign=campaign, status="sent").count()
    print(f"  e-mail to local aiosmtpd: {sent:,} of {messages:,} sent in {seconds:.1f} s = "
          f"{sent / seconds:,.0f} messages/s (one process, batches of {services.BATCH_SIZE}, "
          "one SMTP session per batch)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    print(f"(a) audience for {args.people:,} people")
    fill(args.people)
    audience_timings(args.people)
    print(f"(b) send throughput, {args.messages:,} messages")
    throughput(args.messages)


if __name__ == "__main__":
    main()
