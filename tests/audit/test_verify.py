"""`kliento audit verify`: the whole hash chain, the first broken entry named, exit status;
on PostgreSQL the database itself refuses to change or delete entries."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.audit.verification import chain_verify
from kliento.register import services

pytestmark = pytest.mark.django_db

TRIGGER = "audit_entry_append_only"


@pytest.fixture
def chain(cardholder: User) -> list[int]:
    """A few real entries written by services; returns their sequence numbers."""
    subject = services.subject_of(cardholder)
    me = Actor.person(cardholder)
    for name in ("Anna", "Anni", "Anneli", "Annukka"):
        services.profile_value_set(subject=subject, item_key="first_name", value=name, actor=me)
    services.profile_read(subject=subject, actor=Actor.system("export"), purpose="Export 7")
    return list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))


def _verify(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _tamper(sql: str, params: list[Any]) -> None:
    """Change the table behind the application's back (on PostgreSQL only after switching
    the append-only trigger off, as a database owner could; the test rolls it back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # check the foreign key from audit_auditnetwork now, not at commit: pending
            # checks would keep the trigger from being switched back on
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_a_clean_chain_verifies_with_progress(chain: list[int]) -> None:
    out, err = _verify("--batch-size", "2")

    assert (
        f"The audit chain verifies: {len(chain)} entries checked, chain head #{chain[-1]} "
        "confirmed." in out
    )
    total = AuditEntry.objects.count()
    assert "audit entries [" in err
    assert f"{total}/{total} 100%" in err


def test_a_changed_column_is_caught_and_the_entry_named(chain: list[int]) -> None:
    victim = chain[3]
    _tamper("UPDATE audit_auditentry SET purpose = %s WHERE seq = %s", ["nothing", victim])

    with pytest.raises(CommandError) as caught:
        _verify()

    message = str(caught.value)
    assert caught.value.returncode == 2
    assert f"broken at entry #{victim}: content does not match its hash" in message
    assert f"a column of entry #{victim}" in message
    assert "3 entries before it verified" in message


def test_a_rewritten_hash_is_caught_at_the_next_entry(chain: list[int]) -> None:
    """Recomputing the tampered entry's own hash does not help: the next one links to it."""
    victim, following = chain[1], chain[2]
    entry = AuditEntry.objects.get(seq=victim)
    entry.purpose = "rewritten"
    from kliento.audit.services import entry_digest

    _tamper(
        "UPDATE audit_auditentry SET purpose = %s, hash = %s WHERE seq = %s",
        ["rewritten", entry_digest(entry), victim],
    )

    report = chain_verify()
    assert report.broken is not None
    assert report.broken.seq == following
    assert f"is not the hash of entry #{victim}" in report.detail


def test_a_deleted_entry_in_the_middle_is_caught(chain: list[int]) -> None:
    _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [chain[2]])

    with pytest.raises(CommandError, match=rf"entry #{chain[3]}: previous hash does not match"):
        _verify()


def test_deleting_the_newest_entries_is_caught_by_the_chain_head(chain: list[int]) -> None:
    _tamper("DELETE FROM audit_auditentry WHERE seq >= %s", [chain[-2]])

    with pytest.raises(CommandError) as caught:
        _verify()

    assert f"the head names entry #{chain[-1]}" in str(caught.value)
    assert f"the newest entry is #{chain[-3]}: entries at the end were removed" in str(caught.value)


def test_an_empty_log_verifies() -> None:
    out, _err = _verify()
    assert "The audit chain verifies: 0 entries checked" in out


def test_postgresql_refuses_to_update_or_delete_entries(chain: list[int]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no separate database user; `audit verify` is the guard there")
    for change in (
        lambda: AuditEntry.objects.filter(seq=chain[0]).update(purpose="changed"),
        lambda: AuditEntry.objects.filter(seq=chain[0]).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET purpose = 'x' WHERE seq = %s", [chain[1]])

    assert chain_verify().ok
