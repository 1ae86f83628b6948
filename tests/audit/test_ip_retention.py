"""The IP address of an audit entry lives outside the hash chain (``AuditNetwork``): the
entry commits to it with ``sha256(salt || ip)``, ``kliento audit verify`` checks the
kept addresses against their commitments, and the retention run deletes them after the
catalogue's period while the chain keeps verifying (docs/decisions/0016)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO
from typing import Any

import pyotp
import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry, AuditNetwork, ChainHead
from kliento.audit.services import entry_digest
from kliento.audit.verification import chain_verify
from kliento.dsr.retention import BY_KEY, retention_plan, retention_run
from kliento.register import catalogue, services

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
IPV6 = "2001:0db8:0000:0000:0000:0000:0000:0001"


def _actor_from(user: User, ip: str) -> Actor:
    request = RequestFactory().get("/", REMOTE_ADDR=ip)
    return Actor.person(user, request)


@pytest.fixture
def entries(cardholder: User) -> list[AuditEntry]:
    """Three entries from two addresses (one IPv6) and one with no address."""
    subject = services.subject_of(cardholder)
    for name, ip in (("Anna", IP), ("Anni", IPV6)):
        services.profile_value_set(
            subject=subject, item_key="first_name", value=name, actor=_actor_from(cardholder, ip)
        )
    services.profile_read(subject=subject, actor=Actor.system("export"), purpose="Export 7")
    return list(AuditEntry.objects.order_by("seq"))


def _db_text() -> str:
    """Every audit entry row (all columns, the JSON ones too) and every network row, as
    text: where a plaintext address would show."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditentry")
        rows = [repr(row) for row in cursor.fetchall()]
        cursor.execute("SELECT * FROM audit_auditnetwork")
        rows += [repr(row) for row in cursor.fetchall()]
    return "\n".join(rows)


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_entry_with_an_ip_gets_a_network_row_and_commits_to_it(
    entries: list[AuditEntry],
) -> None:
    with_ip = [e for e in entries if e.network_commitment]
    assert len(with_ip) == 2
    for entry in with_ip:
        network = AuditNetwork.objects.get(entry=entry)
        assert len(bytes(network.salt)) == 16
        expected = hashlib.sha256(bytes(network.salt) + network.ip_address.encode()).hexdigest()
        assert entry.network_commitment == expected
        assert entry.content_version == 2
        assert entry.legacy_ip_address is None
    assert {n.ip_address for n in AuditNetwork.objects.all()} == {IP, "2001:db8::1"}
    # the system's entry came from nowhere: no row, no commitment
    assert not entries[-1].network_commitment
    assert not AuditNetwork.objects.filter(entry=entries[-1]).exists()
    # the address is in no column of the entry, the JSON context included
    for entry in entries:
        assert IP not in repr(entry.context)
        assert IP not in repr(entry.items)
    assert "The audit chain verifies" in _verify()


def test_the_hash_covers_the_commitment_not_the_address(entries: list[AuditEntry]) -> None:
    entry = entries[0]
    entry.network_commitment = "0" * 64
    assert entry_digest(entry) != bytes(entry.hash)


def test_a_changed_ip_address_is_caught(entries: list[AuditEntry]) -> None:
    victim = next(e for e in entries if e.network_commitment)
    AuditNetwork.objects.filter(entry=victim).update(ip_address="198.51.100.1")

    with pytest.raises(CommandError) as caught:
        _verify()

    message = str(caught.value)
    assert caught.value.returncode == 2
    assert f"broken at entry #{victim.seq}: the IP address kept for it does not match" in message
    assert "audit_auditnetwork" in message


def test_an_address_added_to_an_entry_without_one_is_caught(entries: list[AuditEntry]) -> None:
    AuditNetwork.objects.create(entry=entries[-1], ip_address=IP, salt=b"\x00" * 16)

    report = chain_verify()

    assert report.broken is not None
    assert report.broken.seq == entries[-1].seq


def test_retention_deletes_the_addresses_after_the_period_and_the_chain_verifies(
    entries: list[AuditEntry],
) -> None:
    kind = BY_KEY["audit_ip_addresses"]
    assert kind.retention is catalogue.BY_KEY["ip_address"].retention
    assert kind.item == "ip_address"
    assert IP in _db_text()

    with time_machine.travel(timezone.now() + kind.period - timedelta(minutes=1)):
        assert {r.kind.key: r.expired for r in retention_plan()}["audit_ip_addresses"] == 0
        retention_run(actor=Actor.system("retention"))
    assert AuditNetwork.objects.count() == 2

    with time_machine.travel(timezone.now() + kind.period + timedelta(minutes=1)):
        reports = {r.kind.key: r for r in retention_run(actor=Actor.system("retention"))}

    assert reports["audit_ip_addresses"].changed == 2
    assert not AuditNetwork.objects.exists()
    text = _db_text()
    assert IP not in text
    assert "2001:db8::1" not in text
    # the commitments stay in the chain, which still verifies (run entry included)
    assert AuditEntry.objects.exclude(network_commitment="").count() == 2
    run_entry = AuditEntry.objects.filter(context__kind="audit_ip_addresses").get()
    assert run_entry.context == {"kind": "audit_ip_addresses", "rows": 2}
    assert run_entry.action == "retention.delete"
    assert "The audit chain verifies" in _verify()


def test_the_dry_run_deletes_no_address(entries: list[AuditEntry]) -> None:
    before = AuditEntry.objects.count()
    period = BY_KEY["audit_ip_addresses"].period

    with time_machine.travel(timezone.now() + period + timedelta(days=1)):
        out = StringIO()
        call_command("retention", "run", "--dry-run", stdout=out, stderr=StringIO())

    assert AuditNetwork.objects.count() == 2
    assert AuditEntry.objects.count() == before
    assert IP in _db_text()


def test_legacy_entries_with_the_raw_address_still_verify(entries: list[AuditEntry]) -> None:
    """Entries written before the address left the chain (content version 1) hash the raw
    address; the migration re-chained nothing, so verify recomputes that form."""
    legacy = AuditEntry(
        at=timezone.now(),
        actor_kind="person",
        actor_id="x",
        action="profile.read",
        legacy_ip_address=IP,
        content_version=1,
        prev_hash=bytes(entries[-1].hash),
    )
    legacy.hash = entry_digest(legacy)
    legacy.save(force_insert=True)
    ChainHead.objects.filter(id=1).update(seq=legacy.seq, hash=legacy.hash)

    assert chain_verify().ok
    assert legacy.client_ip == IP
    legacy.legacy_ip_address = "198.51.100.1"
    assert entry_digest(legacy) != bytes(legacy.hash)


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_staff_audit_log_shows_the_kept_address_in_one_query(
    staff_user: Any, cardholder: User, entries: list[AuditEntry]
) -> None:
    auditor = staff_user(StaffRole.AUDITOR)
    TOTP.activate(auditor, pyotp.random_base32())
    client = Client()
    client.force_login(auditor)
    url = reverse("staff:audit_log")

    few, html = _queries(client, url)
    assert IP in html
    # more entries with addresses: no query per entry
    subject = services.subject_of(cardholder)
    for name in ("Anneli", "Annukka", "Aino"):
        services.profile_value_set(
            subject=subject, item_key="first_name", value=name, actor=_actor_from(cardholder, IP)
        )
    many, _html = _queries(client, url)
    assert many == few

    AuditNetwork.objects.all().delete()
    assert IP not in _queries(client, url)[1]
