"""Field encryption: AES-256-GCM under per-person data keys, and blind indexes.

* A person's data key (DEK, 32 random bytes) encrypts each of their values. The DEK is
  stored only wrapped (AES-256-GCM) by a key-encryption key (KEK) from settings, with
  the KEK's id beside it, so KEKs rotate without downtime: new wraps use the current
  KEK, old ones stay readable until ``kliento keys rotate`` rewraps them.
* Destroying the wrapped DEK makes every value of that person unreadable, in backups too.
* Each value is bound to its owner and item through AES-GCM's associated data, so a
  ciphertext copied to another person or item fails to decrypt instead of leaking.
* Blind indexes are keyed HMAC-SHA256 digests of a normalised value, for exact-match
  lookups (e-mail, phone, card number) without storing or scanning plaintext.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from kliento.common.errors import DomainError, ErrorCode

_VERSION = b"\x01"
_NONCE_BYTES = 12


class CryptoError(DomainError):
    """A key is missing or a ciphertext does not verify: never silently return junk."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.SERVER_ERROR, message)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def kek(key_id: str) -> bytes:
    try:
        return settings.ENCRYPTION_KEYS[key_id]
    except KeyError:
        raise CryptoError(
            f"Key-encryption key {key_id!r} is not configured (KLIENTO_ENCRYPTION_KEYS)."
        ) from None


def current_kek_id() -> str:
    key_id: str = settings.ENCRYPTION_KEY_ID
    return key_id


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt with AES-256-GCM: version byte, 96-bit random nonce, ciphertext and tag."""
    nonce = os.urandom(_NONCE_BYTES)
    return _VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Decrypt what :func:`seal` made; raise when the key, data or binding is wrong."""
    if sealed[:1] != _VERSION:
        raise CryptoError("Unknown ciphertext version.")
    nonce = sealed[1 : 1 + _NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, sealed[1 + _NONCE_BYTES :], aad)
    except InvalidTag:
        raise CryptoError("A ciphertext did not verify (wrong key or tampered data).") from None


def wrap_data_key(data_key: bytes, *, owner: str, kek_id: str | None = None) -> tuple[str, bytes]:
    """Wrap a data key with a KEK (the current one unless named). Returns (kek_id, wrapped)."""
    key_id = kek_id or current_kek_id()
    return key_id, seal(kek(key_id), data_key, f"dek:{owner}".encode())


def unwrap_data_key(wrapped: bytes, *, owner: str, kek_id: str) -> bytes:
    return open_sealed(kek(kek_id), bytes(wrapped), f"dek:{owner}".encode())


def rewrap_data_key(
    wrapped: bytes, *, owner: str, kek_id: str, new_kek_id: str | None = None
) -> tuple[str, bytes]:
    """Unwrap a data key with ``kek_id`` and wrap it again with the current KEK (or the one
    named). The data key itself does not change, so nothing it encrypts is touched."""
    data_key = unwrap_data_key(wrapped, owner=owner, kek_id=kek_id)
    return wrap_data_key(data_key, owner=owner, kek_id=new_kek_id)


def blind_index(kind: str, normalised_value: str) -> bytes:
    """Keyed HMAC-SHA256 of a normalised value, domain-separated by ``kind``."""
    message = kind.encode() + b"\x00" + normalised_value.encode()
    return hmac.new(settings.BLIND_INDEX_KEY, message, hashlib.sha256).digest()
