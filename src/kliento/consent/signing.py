"""Compact JWS (ES256) for consent receipts, with the ``cryptography`` package only.

The private key is ``settings.CONSENT_SIGNING_KEY`` (PEM, P-256). Its public half is
published as a JWK set at ``/.well-known/jwks.json``; the key id is the RFC 7638
thumbprint, so a new key gets a new ``kid`` and old receipts stay verifiable as long
as the old public key stays listed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from django.conf import settings

ALG = "ES256"
_COORD = 32  # bytes per P-256 coordinate and per signature half


class InvalidReceiptError(Exception):
    """A token that is malformed, signed by an unknown key, or altered."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise InvalidReceiptError("not base64url") from exc


@lru_cache(maxsize=4)
def _private_key(pem: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("KLIENTO_CONSENT_SIGNING_KEY must be a P-256 (ES256) private key")
    return key


def signing_key() -> ec.EllipticCurvePrivateKey:
    return _private_key(settings.CONSENT_SIGNING_KEY)


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    """The public key as a JWK, with its RFC 7638 thumbprint as ``kid``."""
    numbers = public_key.public_numbers()
    core = {
        "crv": "P-256",
        "kty": "EC",
        "x": b64url(numbers.x.to_bytes(_COORD, "big")),
        "y": b64url(numbers.y.to_bytes(_COORD, "big")),
    }
    thumbprint = json.dumps(core, sort_keys=True, separators=(",", ":")).encode()
    return {**core, "kid": b64url(hashlib.sha256(thumbprint).digest()), "alg": ALG, "use": "sig"}


def jwks() -> dict[str, list[dict[str, str]]]:
    """The published key set."""
    return {"keys": [public_jwk(signing_key().public_key())]}


def jws_sign(payload: dict[str, Any]) -> str:
    """``payload`` as a compact JWS signed with the consent signing key."""
    key = signing_key()
    header = {"alg": ALG, "kid": public_jwk(key.public_key())["kid"], "typ": "JWT"}
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())
        for part in (header, payload)
    )
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(_COORD, "big") + s.to_bytes(_COORD, "big")
    return f"{signing_input}.{b64url(signature)}"


def _public_key(jwk: dict[str, Any]) -> ec.EllipticCurvePublicKey:
    x = int.from_bytes(b64url_decode(str(jwk.get("x", ""))), "big")
    y = int.from_bytes(b64url_decode(str(jwk.get("y", ""))), "big")
    try:
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except ValueError as exc:
        raise InvalidReceiptError("bad public key") from exc


def jws_verify(token: str, key_set: dict[str, Any]) -> dict[str, Any]:
    """The payload of ``token`` when a key in ``key_set`` signed it; else InvalidReceiptError."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidReceiptError("not a compact JWS")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
    except ValueError as exc:
        raise InvalidReceiptError("not JSON") from exc
    if not isinstance(header, dict) or header.get("alg") != ALG:
        raise InvalidReceiptError("unexpected algorithm")
    jwk = next((k for k in key_set.get("keys", []) if k.get("kid") == header.get("kid")), None)
    if jwk is None:
        raise InvalidReceiptError("unknown key id")
    signature = b64url_decode(parts[2])
    if len(signature) != 2 * _COORD:
        raise InvalidReceiptError("bad signature length")
    der = encode_dss_signature(
        int.from_bytes(signature[:_COORD], "big"), int.from_bytes(signature[_COORD:], "big")
    )
    try:
        _public_key(jwk).verify(der, f"{parts[0]}.{parts[1]}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise InvalidReceiptError("signature does not match") from exc
    if not isinstance(payload, dict):
        raise InvalidReceiptError("payload is not an object")
    return payload
