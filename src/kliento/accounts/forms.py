"""allauth's WebAuthn forms, hardened: a malformed credential is a form error, not a 500.

allauth expects fido2 to raise TypeError on a malformed payload; fido2 2.x raises
KeyError or ValueError too, which would surface as a server error on attacker input.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn import forms as webauthn_forms
from django.core.exceptions import ValidationError

MALFORMED = (KeyError, ValueError, TypeError)


def _malformed() -> ValidationError:
    return get_adapter().validation_error("incorrect_code")


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except MALFORMED as exc:
            raise _malformed() from exc


class SignupWebAuthnForm(webauthn_forms.SignupWebAuthnForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except MALFORMED as exc:
            raise _malformed() from exc


class AuthenticateWebAuthnForm(webauthn_forms.AuthenticateWebAuthnForm):
    def clean_credential(self) -> Authenticator:
        try:
            return super().clean_credential()
        except MALFORMED as exc:
            raise _malformed() from exc


class LoginWebAuthnForm(webauthn_forms.LoginWebAuthnForm):
    def clean_credential(self) -> Authenticator:
        try:
            return super().clean_credential()
        except MALFORMED as exc:
            raise _malformed() from exc


class ReauthenticateWebAuthnForm(webauthn_forms.ReauthenticateWebAuthnForm):
    def clean_credential(self) -> Authenticator:
        try:
            return super().clean_credential()
        except MALFORMED as exc:
            raise _malformed() from exc
