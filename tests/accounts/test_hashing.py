"""Passwords are hashed with argon2 in every configuration the service runs with."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

from kliento.config import settings as configured


def test_the_configured_hasher_is_argon2() -> None:
    # The suite swaps in a fast hasher (tests/conftest.py); the module keeps the real list.
    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_verify_and_never_hold_the_password() -> None:
    hasher = Argon2PasswordHasher()
    encoded = make_password("correct horse battery staple 42", hasher=hasher)
    assert encoded.startswith("argon2$argon2id$")
    assert "correct horse" not in encoded
    assert hasher.verify("correct horse battery staple 42", encoded)
    assert not hasher.verify("correct horse battery staple 43", encoded)
