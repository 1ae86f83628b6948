"""TOTP secrets and recovery-code seeds are encrypted at rest, and still work."""

from __future__ import annotations

import json

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from kliento.accounts.models import User

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_totp_secret_is_stored_sealed_and_still_verifies_codes(cardholder: User) -> None:
    TOTP.activate(cardholder, SECRET)

    stored = Authenticator.objects.get(user=cardholder, type=Authenticator.Type.TOTP)
    assert SECRET not in json.dumps(stored.data)
    assert stored.data["secret"].startswith("kl1:")
    assert TOTP(stored).validate_code(pyotp.TOTP(SECRET).now())


def test_recovery_codes_are_sealed_and_usable(cardholder: User) -> None:
    rc = RecoveryCodes.activate(cardholder)
    codes = rc.get_unused_codes()

    stored = Authenticator.objects.get(user=cardholder, type=Authenticator.Type.RECOVERY_CODES)
    assert all(code not in json.dumps(stored.data) for code in codes)
    assert RecoveryCodes(stored).validate_code(codes[0])
