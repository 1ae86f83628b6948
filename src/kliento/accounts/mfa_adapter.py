"""allauth MFA adapter: TOTP secrets and recovery-code seeds are encrypted at rest.

allauth stores them in plain text by default. Here they are sealed with AES-256-GCM
under the current key-encryption key, whose id travels with the ciphertext, so keys
rotate like every other wrapped secret.
"""

from __future__ import annotations

import base64

from allauth.mfa.adapter import DefaultMFAAdapter

from kliento.common import crypto

_PREFIX = "kl1"
_AAD = b"allauth-mfa-secret"


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        kek_id = crypto.current_kek_id()
        sealed = crypto.seal(crypto.kek(kek_id), text.encode(), _AAD)
        return f"{_PREFIX}:{kek_id}:{base64.b64encode(sealed).decode()}"

    def decrypt(self, encrypted_text: str) -> str:
        prefix, sep, rest = encrypted_text.partition(":")
        if prefix != _PREFIX or not sep:
            return encrypted_text  # written before encryption was switched on
        kek_id, _sep, payload = rest.partition(":")
        return crypto.open_sealed(crypto.kek(kek_id), base64.b64decode(payload), _AAD).decode()
