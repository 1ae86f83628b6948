"""Cancelling an account: re-authentication, erasure without a plaintext trace,
anonymous aggregates kept, cards released, and the journal replayed after a restore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.test import Client
from django_tasks_db.models import DBTaskResult

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.cards import identifiers
from kliento.cards.models import Card
from kliento.cards.services import card_for_scan
from kliento.common.errors import DomainError
from kliento.privacy import services
from kliento.privacy.models import ErasureJournal
from kliento.register.models import DataKey, ProfileValue, Subject
from kliento.sharing.models import Grant, Relationship
from kliento.visits.models import LedgerEntry, Reward, Visit
from tests.conftest import PASSWORD
from tests.privacy.conftest import UID, Person
from tests.register.test_at_rest import _found, dump

# The dump runs outside the test's transaction (pg_dump is another process).
pytestmark = pytest.mark.django_db(transaction=True)


def _leaks(person: Person) -> list[str]:
    content = dump()
    return [sentinel for sentinel in person.sentinels if _found(content, sentinel)]


def _aggregates() -> dict[str, Any]:
    visits = dict(Visit.objects.values_list("merchant__name").annotate(n=Count("pk")).order_by())
    ledger = dict(
        LedgerEntry.objects.values_list("program__name").annotate(points=Sum("points")).order_by()
    )
    stamps = dict(
        LedgerEntry.objects.values_list("program__name").annotate(s=Sum("stamps")).order_by()
    )
    return {"visits": visits, "points": ledger, "stamps": stamps}


def _counts(person: Person) -> tuple[int, ...]:
    return (
        User.objects.filter(pk=person.user.pk).count(),
        DataKey.objects.filter(subject=person.subject).count(),
        ProfileValue.objects.filter(subject=person.subject).count(),
        Card.objects.filter(holder=person.subject).count(),
        Grant.objects.filter(subject=person.subject).count(),
        ErasureJournal.objects.count(),
    )


def test_a_wrong_password_changes_nothing(client: Client, person: Person) -> None:
    client.force_login(person.user)
    before = _counts(person)

    response = client.post("/profile/cancel/", {"password": "not it", "understood": "on"})

    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    assert _counts(person) == before
    assert client.get("/profile/export/").status_code == 200  # still signed in


def test_the_page_explains_what_happens(client: Client, person: Person) -> None:
    client.force_login(person.user)

    html = client.get("/profile/cancel/").content.decode()

    assert "Your 4 visits stay only as anonymous counts" in html
    assert "Your 2 cards are released" in html
    assert 'autocomplete="current-password"' in html


def test_cancelling_erases_every_plaintext_and_keeps_anonymous_aggregates(
    client: Client, person: Person, other_person: Person
) -> None:
    client.force_login(person.user)
    before = _aggregates()
    card_ids = list(Card.objects.filter(holder=person.subject).values_list("pk", flat=True))
    visits_of_other = Visit.objects.filter(card__holder=other_person.subject).count()

    response = client.post("/profile/cancel/", {"password": PASSWORD, "understood": "on"})

    assert response.status_code == 200
    assert "Your account has been cancelled" in response.content.decode()
    assert client.get("/profile/export/").status_code == 302  # signed out
    assert _leaks(person) == []
    assert not User.objects.filter(pk=person.user.pk).exists()
    subject = Subject.objects.get(pk=person.subject.pk)
    assert subject.erased_at is not None
    assert subject.user_id is None
    assert _counts(person)[:5] == (0, 0, 0, 0, 0)
    assert not Relationship.objects.filter(subject=subject).exists()
    assert ErasureJournal.objects.filter(
        subject_hash=services.subject_hash(subject.public_id)
    ).exists()
    assert AuditEntry.objects.filter(action="account.cancel", subject_id=subject.public_id)
    # The cards are released at once: no holder, no identifier, blocked.
    released = Card.objects.filter(pk__in=card_ids)
    assert [(c.holder_id, bytes(c.identifier_ct), c.status) for c in released] == [
        (None, b"", Card.Status.BLOCKED)
    ] * 2
    # Their history is detached in the background, after commit.
    assert DBTaskResult.objects.filter(task_path__endswith="erased_cards_detach").count() == 1
    assert _aggregates() == before
    assert services.cards_detach(card_ids=card_ids) == 4
    assert not Card.objects.filter(pk__in=card_ids).exists()
    assert Visit.objects.filter(card=None).count() == 4
    # Merchants keep their visit counts and loyalty sums, naming no one.
    assert _aggregates() == before
    assert not Reward.objects.filter(card__holder__isnull=False, card__holder=subject).exists()
    assert not Reward.objects.filter(status=Reward.Status.AVAILABLE, card__holder=None).exists()
    # The other person is untouched.
    assert Visit.objects.filter(card__holder=other_person.subject).count() == visits_of_other
    assert ProfileValue.objects.filter(subject=other_person.subject).exists()
    assert _found(dump(), other_person.user.email)  # their login is still there


def test_a_released_card_can_be_used_again_as_a_new_card(person: Person) -> None:
    services.account_cancel(subject=person.subject, actor=Actor.person(person.user))

    found = card_for_scan(identifiers.parse(UID), create=True)

    assert found.created
    assert found.card.holder is None


def test_cancelling_twice_is_refused(person: Person) -> None:
    services.account_cancel(subject=person.subject, actor=Actor.system("tests"))

    with pytest.raises(DomainError, match="already been cancelled"):
        services.account_cancel(subject=person.subject, actor=Actor.system("tests"))


def _snapshot(person: Person) -> dict[Any, list[dict[str, Any]]]:
    """The person's rows as a backup holds them."""
    models: list[Any] = [User, DataKey, ProfileValue]
    rows: dict[Any, list[dict[str, Any]]] = {
        model: [dict(row) for row in model.objects.filter(**_owner(model, person)).values()]
        for model in models
    }
    rows[Subject] = [dict(row) for row in Subject.objects.filter(pk=person.subject.pk).values()]
    return rows


def _owner(model: Any, person: Person) -> dict[str, Any]:
    return {"pk": person.user.pk} if model is User else {"subject": person.subject}


def _restore(rows: dict[Any, list[dict[str, Any]]]) -> None:
    """Put the backup's rows back, as a restore of an older database would."""
    models: list[Any] = [User, DataKey, ProfileValue]
    for model in models:
        model.objects.bulk_create([model(**row) for row in rows[model]])
    subject = rows[Subject][0]
    Subject.objects.filter(pk=subject["id"]).update(
        user_id=subject["user_id"], erased_at=subject["erased_at"]
    )


def test_replay_erasures_erases_a_restored_backup_again(person: Person, tmp_path: Path) -> None:
    backup = _snapshot(person)
    services.account_cancel(subject=person.subject, actor=Actor.person(person.user))
    journal = tmp_path / "erasures.jsonl"
    call_command("privacy", "erasure-journal", "--out", str(journal))
    # The restored database is older than the erasure: its rows are back, its journal
    # does not know the erasure yet.
    _restore(backup)
    ErasureJournal.objects.all().delete()
    assert ProfileValue.objects.filter(subject=person.subject).exists()
    assert _found(dump(), person.user.email)

    call_command("privacy", "replay-erasures", "--from", str(journal))

    assert _leaks(person) == []
    assert not ProfileValue.objects.filter(subject=person.subject).exists()
    assert not DataKey.objects.filter(subject=person.subject).exists()
    assert not User.objects.filter(pk=person.user.pk).exists()
    assert ErasureJournal.objects.count() == 1
    assert AuditEntry.objects.filter(action="account.erase_replay").count() == 1
    # Replaying again finds nothing left to erase.
    assert services.erasures_replay(actor=Actor.system("tests")) == []


def test_replay_without_a_journal_file_uses_the_database_journal(person: Person) -> None:
    backup = _snapshot(person)
    services.account_cancel(subject=person.subject, actor=Actor.person(person.user))
    _restore(backup)

    call_command("privacy", "replay-erasures")

    assert not User.objects.filter(pk=person.user.pk).exists()
    assert not ProfileValue.objects.filter(subject=person.subject).exists()


def test_a_bad_journal_file_is_refused(tmp_path: Path, db: None) -> None:
    from django.core.management.base import CommandError

    broken = tmp_path / "broken.jsonl"
    broken.write_text("not json\n")

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("privacy", "replay-erasures", "--from", str(broken))
    assert ErasureJournal.objects.count() == 0


def test_recipients_that_received_data_are_told_to_erase(person: Person) -> None:
    from kliento.accounts.roles import StaffRole
    from kliento.audit.models import ActorKind
    from kliento.disclosures.models import OutboxMessage, Recipient
    from kliento.disclosures.services import disclosure_record, recipient_create

    admin = Actor(ActorKind.STAFF, "admin-1", StaffRole.ADMINISTRATOR.value)
    issuer = Card.objects.filter(holder=person.subject).select_related("issuer").first()
    assert issuer is not None
    recipient, _secret = recipient_create(
        kind=Recipient.Kind.CARD_ISSUER, name="Travel cards Oy", card_issuer=issuer.issuer,
        webhook_url="https://issuer.example/hooks", items=["first_name", "last_name"],
        purposes=["service"], actor=admin,
    )  # fmt: skip
    disclosure_record(
        subject=person.subject, recipient=recipient, items=["first_name"],
        legal_basis="contract", purpose="service", actor=Actor.system("tests"),
    )  # fmt: skip

    cancelled = services.account_cancel(subject=person.subject, actor=Actor.person(person.user))

    assert cancelled.recipients_told == 1
    message = OutboxMessage.objects.get(event="erasure")
    assert message.recipient == recipient
