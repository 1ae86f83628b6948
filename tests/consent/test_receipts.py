"""Consent receipts: ISO/IEC TS 27560 fields, a JWS that verifies with the published
JWKS and fails when altered, and the person's readable receipt page."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.consent import receipts, services, signing
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import PURPOSES
from kliento.register.models import Subject
from kliento.register.services import subject_of


@pytest.fixture
def event(subject: Subject, me: Actor) -> ConsentEvent:
    return services.consent_give(
        subject=subject, purpose_key="partner_marketing", language="en", channel="web", actor=me
    )


def published_jwks(client: Client) -> dict[str, object]:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def test_the_jwks_publishes_one_p256_public_key_with_its_id(client: Client) -> None:
    (key,) = published_jwks(client)["keys"]  # type: ignore[index]

    assert {k: key[k] for k in ("kty", "crv", "alg", "use")} == {
        "kty": "EC",
        "crv": "P-256",
        "alg": "ES256",
        "use": "sig",
    }
    assert key["kid"]
    assert "d" not in key


def test_the_receipt_has_the_iso_27560_fields(event: ConsentEvent) -> None:
    claims = receipts.receipt_claims(event)
    notice = PURPOSES["partner_marketing"].current

    assert claims["receipt_id"] == str(event.public_id)
    assert claims["controller"]["name"] == "Kliento Oy"
    assert claims["purpose"]["id"] == "partner_marketing"
    assert claims["notice"]["version"] == notice.version
    assert claims["notice"]["hash"] == notice.hash_for("partner_marketing") == event.notice_hash
    assert claims["data_categories"]
    assert claims["recipients"]
    assert claims["retention"]
    assert "/profile/consents/" in claims["withdrawal_method"]
    assert claims["event"]["action"] == "given"
    assert claims["event"]["time"].startswith(event.at.strftime("%Y-%m-%d"))


def test_the_signed_receipt_verifies_with_the_published_key(
    event: ConsentEvent, client: Client
) -> None:
    token = receipts.receipt_jws(event)

    payload = signing.jws_verify(token, published_jwks(client))

    assert payload == json.loads(json.dumps(receipts.receipt_claims(event)))


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_an_altered_receipt_fails_verification(event: ConsentEvent, client: Client) -> None:
    key_set = published_jwks(client)
    header, payload, signature = receipts.receipt_jws(event).split(".")
    claims = receipts.receipt_claims(event)
    claims["event"]["action"] = "withdrawn"
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    for forged in (
        f"{header}.{_b64(claims)}.{signature}",  # changed content
        f"{header}.{payload}.{flipped}",  # changed signature
        f"{header}.{payload}",  # no signature
        f"{_b64({'alg': 'none', 'kid': 'x'})}.{payload}.",  # "alg": "none"
    ):
        with pytest.raises(signing.InvalidReceiptError):
            signing.jws_verify(forged, key_set)


def test_a_receipt_signed_by_another_key_fails(event: ConsentEvent, client: Client) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    other_set = {"keys": [signing.public_jwk(other.public_key())]}
    token = receipts.receipt_jws(event)

    with pytest.raises(signing.InvalidReceiptError):
        signing.jws_verify(token, other_set)  # unknown kid
    impostor = {"keys": [{**other_set["keys"][0], "kid": token_kid(token)}]}
    with pytest.raises(signing.InvalidReceiptError):
        signing.jws_verify(token, impostor)  # right kid, wrong key


def token_kid(token: str) -> str:
    header = json.loads(signing.b64url_decode(token.split(".", maxsplit=1)[0]))
    return str(header["kid"])


def test_the_person_reads_their_receipt_and_downloads_it_signed(
    event: ConsentEvent, cardholder_client: Client
) -> None:
    page = cardholder_client.get(f"/profile/consents/receipts/{event.public_id}/")
    signed = cardholder_client.get(f"/profile/consents/receipts/{event.public_id}/jws")

    assert page.status_code == 200
    text = page.content.decode()
    assert event.notice_hash in text
    assert str(PURPOSES["partner_marketing"].label) in text
    assert signed.status_code == 200
    assert signed["Content-Type"] == "application/jose"
    signing.jws_verify(signed.content.decode(), signing.jwks())


def test_another_persons_receipt_is_not_found(
    event: ConsentEvent, client: Client, other_cardholder: User
) -> None:
    subject_of(other_cardholder)
    client.force_login(other_cardholder)

    assert client.get(f"/profile/consents/receipts/{event.public_id}/").status_code == 404
    assert client.get(f"/profile/consents/receipts/{event.public_id}/jws").status_code == 404
