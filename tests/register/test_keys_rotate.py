"""`kliento keys rotate`: rewraps data keys, card keys and MFA secrets under the current
key-encryption key; batched, resumable, with a dry run; refuses unknown or wrong keys."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.audit.models import AuditEntry
from kliento.audit.verification import chain_verify
from kliento.backoffice import key_rotation
from kliento.cards import services as cards
from kliento.cards.models import Card
from kliento.common.errors import DomainError
from kliento.register import services
from kliento.register.models import DataKey, ProfileValue, Subject

pytestmark = pytest.mark.django_db

NEW_KEY = os.urandom(32)
SYSTEM = Actor.system("tests")


def _new_keys() -> dict[str, bytes]:
    """The new key first, the old ones after it: the documented rotation set-up."""
    return {"k-new": NEW_KEY, **settings.ENCRYPTION_KEYS}


def _rotate(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("keys", "rotate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _wrapped() -> dict[str, tuple[str, bytes]]:
    rows = {
        f"dk{pk}": (k, bytes(w))
        for pk, k, w in DataKey.objects.values_list("pk", "kek_id", "wrapped_key")
    }
    rows |= {
        f"card{pk}": (k, bytes(w))
        for pk, k, w in Card.objects.values_list("pk", "kek_id", "wrapped_key")
    }
    return rows  # fmt: skip


@dataclass(frozen=True)
class World:
    subject: Subject
    card: Card
    number: str
    codes: list[str]
    totp: str


@pytest.fixture
def world(cardholder: User) -> World:
    """A person with values, a card and MFA, and four more subjects, all under the old key."""
    subject = services.subject_of(cardholder)
    me = Actor.person(cardholder)
    services.profile_value_set(subject=subject, item_key="first_name", value="Anneli", actor=me)
    services.profile_value_set(subject=subject, item_key="phone", value="040 765 4321", actor=me)
    card, number, _code = cards.card_issue_kliento(actor=SYSTEM, holder=subject)
    totp_secret = pyotp.random_base32()  # fresh: allauth refuses a code seen before
    TOTP.activate(cardholder, totp_secret)
    codes = RecoveryCodes.activate(cardholder).get_unused_codes()
    for _ in range(4):
        services.subject_create(user=None, actor=SYSTEM)
    return World(subject, card, number, codes, totp_secret)


def _everything_still_opens(world: World, cardholder: User) -> None:
    subject = Subject.objects.get(pk=world.subject.pk)
    profile = services.profile_read(subject=subject, actor=Actor.person(cardholder), purpose="")
    assert profile["first_name"][0].value == "Anneli"
    assert profile["phone"][0].value == "+358407654321"
    assert cards.card_identifier(Card.objects.get(pk=world.card.pk)) == world.number
    totp = Authenticator.objects.get(user=cardholder, type=Authenticator.Type.TOTP)
    assert TOTP(totp).validate_code(pyotp.TOTP(world.totp).now())
    recovery = Authenticator.objects.get(user=cardholder, type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(recovery).validate_code(world.codes[0])


def test_rotation_rewraps_everything_and_the_old_key_can_then_be_removed(
    world: World, cardholder: User
) -> None:
    old_id = settings.ENCRYPTION_KEY_ID
    ciphertexts = {pk: bytes(ct) for pk, ct in ProfileValue.objects.values_list("pk", "ciphertext")}
    data_keys = {
        str(s.public_id): services._data_key(s) for s in Subject.objects.select_related("data_key")
    }

    with override_settings(ENCRYPTION_KEYS=_new_keys(), ENCRYPTION_KEY_ID="k-new"):
        out, err = _rotate("--batch-size", "2")

    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {"k-new"}
    assert set(Card.objects.values_list("kek_id", flat=True)) == {"k-new"}
    assert not DataKey.objects.filter(rotated_at=None).exists()
    for authenticator in Authenticator.objects.filter(user=cardholder):
        sealed = authenticator.data.get("secret") or authenticator.data["seed"]
        assert sealed.startswith("kl1:k-new:")
    # Envelope encryption: values were not touched, the data keys themselves are the same.
    assert {pk: bytes(ct) for pk, ct in ProfileValue.objects.values_list("pk", "ciphertext")} == (
        ciphertexts
    )
    with override_settings(ENCRYPTION_KEYS={"k-new": NEW_KEY}, ENCRYPTION_KEY_ID="k-new"):
        assert {
            str(s.public_id): services._data_key(s)
            for s in Subject.objects.select_related("data_key")
        } == data_keys
        _everything_still_opens(world, cardholder)

    assert "data keys           5 to rewrap" in out
    assert f"No row uses {old_id} any more" in out
    assert "data keys [########################] 5/5 100%" in err  # the progress bar
    assert err.rstrip().endswith("/s")
    rotations = AuditEntry.objects.filter(action="keys.rotate")
    assert sum(e.context["rows"] for e in rotations if e.context["kind"] == "data_keys") == 5
    assert rotations.filter(context__kind="data_keys").count() == 3  # batches of 2: 2 + 2 + 1
    assert chain_verify().ok


def test_the_old_key_is_needed_until_the_rotation_has_run(world: World, cardholder: User) -> None:
    with (
        override_settings(ENCRYPTION_KEYS={"k-new": NEW_KEY}, ENCRYPTION_KEY_ID="k-new"),
        pytest.raises(services.crypto.CryptoError),
    ):
        _everything_still_opens(world, cardholder)


def test_a_dry_run_counts_and_changes_nothing(world: World) -> None:
    before = _wrapped()
    audit_before = AuditEntry.objects.count()

    with override_settings(ENCRYPTION_KEYS=_new_keys(), ENCRYPTION_KEY_ID="k-new"):
        out, _err = _rotate("--dry-run")

    old_id = settings.ENCRYPTION_KEY_ID
    assert f"5 to rewrap (5 under {old_id})" in out
    assert f"1 to rewrap (1 under {old_id})" in out  # the card
    assert f"2 to rewrap (2 under {old_id})" in out  # TOTP and recovery codes
    assert "Dry run: nothing was changed." in out
    assert _wrapped() == before
    assert AuditEntry.objects.count() == audit_before


def test_an_interrupted_rotation_resumes_and_touches_only_what_is_left(
    world: World, cardholder: User
) -> None:
    with override_settings(ENCRYPTION_KEYS=_new_keys(), ENCRYPTION_KEY_ID="k-new"):
        data_keys = key_rotation.targets()[0]
        batches = key_rotation.rotate(target=data_keys, batch_size=2, actor=SYSTEM)
        first = next(batches)  # one committed batch, then the run "dies"
        batches.close()
        assert first.rotated == 2
        rotated = DataKey.objects.filter(kek_id="k-new").values_list("pk", "wrapped_key")
        done_first = {pk: bytes(w) for pk, w in rotated}
        assert len(done_first) == 2

        out, _err = _rotate("--batch-size", "2")
        assert "3 to rewrap" in out  # only the three data keys left

        assert set(DataKey.objects.values_list("kek_id", flat=True)) == {"k-new"}
        # The rows of the first run were not rewrapped again.
        for pk, wrapped in done_first.items():
            assert bytes(DataKey.objects.get(pk=pk).wrapped_key) == wrapped
        again, _err = _rotate()
        assert "0 to rewrap" in again
        assert "Rewrapped 0 data keys, 0 card keys, 0 MFA secrets under k-new." in again
    with override_settings(ENCRYPTION_KEYS={"k-new": NEW_KEY}, ENCRYPTION_KEY_ID="k-new"):
        _everything_still_opens(world, cardholder)


def test_a_key_id_that_is_not_configured_is_named_and_nothing_changes(
    world: World,
) -> None:
    gone = base64.b64decode(base64.b64encode(os.urandom(32)))
    with override_settings(
        ENCRYPTION_KEYS={"k-gone": gone, **settings.ENCRYPTION_KEYS}, ENCRYPTION_KEY_ID="k-gone"
    ):
        services.subject_create(user=None, actor=SYSTEM)
    before = _wrapped()
    audit_before = AuditEntry.objects.count()

    with (
        override_settings(ENCRYPTION_KEYS=_new_keys(), ENCRYPTION_KEY_ID="k-new"),
        pytest.raises(CommandError, match=r"1 data key\(s\) are wrapped with .*'k-gone'.*"
                      r"not configured.*Nothing was changed"),
    ):  # fmt: skip
        _rotate("--dry-run")
    with (
        override_settings(ENCRYPTION_KEYS=_new_keys(), ENCRYPTION_KEY_ID="k-new"),
        pytest.raises(CommandError, match="'k-gone'"),
    ):
        _rotate()

    assert _wrapped() == before
    assert AuditEntry.objects.count() == audit_before


def test_a_wrong_key_under_a_configured_id_is_named_and_nothing_changes(
    world: World,
) -> None:
    old_id = settings.ENCRYPTION_KEY_ID
    before = _wrapped()

    with (
        override_settings(
            ENCRYPTION_KEYS={"k-new": NEW_KEY, old_id: os.urandom(32)}, ENCRYPTION_KEY_ID="k-new"
        ),
        pytest.raises(CommandError, match=rf"'{old_id}'.*does not open.*Nothing was changed"),
    ):
        _rotate()

    assert _wrapped() == before


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        _rotate("--batch-size", "0")


def test_a_value_under_a_key_id_that_is_not_configured_fails_clearly_and_stores_nothing(
    cardholder: User,
) -> None:
    with override_settings(
        ENCRYPTION_KEYS={"k-gone": os.urandom(32), **settings.ENCRYPTION_KEYS},
        ENCRYPTION_KEY_ID="k-gone",
    ):
        subject = services.subject_create(user=None, actor=SYSTEM)
    before = (ProfileValue.objects.count(), AuditEntry.objects.count())
    subject = Subject.objects.get(pk=subject.pk)

    with pytest.raises(
        DomainError, match=r"'k-gone' is not configured \(KLIENTO_ENCRYPTION_KEYS\)"
    ):
        services.profile_value_set(
            subject=subject, item_key="first_name", value="Anneli", actor=SYSTEM
        )

    assert (ProfileValue.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("k1", "must be 'id:base64key,...'"),
        (":" + base64.b64encode(os.urandom(32)).decode(), "must be 'id:base64key,...'"),
        ("k1:not base64!", "'k1' is not valid base64"),
        ("k1:" + base64.b64encode(os.urandom(16)).decode(), "'k1' must be 32 bytes"),
    ],
)
def test_malformed_key_settings_are_refused_naming_the_key(raw: str, message: str) -> None:
    from kliento.config.settings import _read_encryption_keys

    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        _read_encryption_keys(raw)


def test_a_current_key_id_that_is_not_in_the_keys_stops_the_start() -> None:
    env = {**os.environ, "KLIENTO_ENCRYPTION_KEY_ID": "k-missing"}
    result = subprocess.run(
        [sys.executable, "-c", "import kliento.config.settings"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip

    assert result.returncode != 0
    assert "KLIENTO_ENCRYPTION_KEY_ID='k-missing' is not in KLIENTO_ENCRYPTION_KEYS" in (
        result.stderr
    )
