"""The one domain error type and its codes.

Services raise ``DomainError``; the API turns it into the envelope
``{"code": ..., "message": ..., "details": {...}}`` with the status the code maps to,
and pages show ``message`` as a form error.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    MALFORMED_JSON = "malformed_json"
    BODY_TOO_LARGE = "body_too_large"
    VALIDATION_FAILED = "validation_failed"
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a secret)
    PERMISSION_DENIED = "permission_denied"
    CSRF_FAILED = "csrf_failed"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    # cards and check-in
    CARD_INVALID = "card_invalid"
    CARD_UNKNOWN = "card_unknown"
    CARD_BLOCKED = "card_blocked"
    QR_EXPIRED = "qr_expired"
    MERCHANT_INACTIVE = "merchant_inactive"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    REWARD_UNAVAILABLE = "reward_unavailable"
    CODE_INVALID = "code_invalid"
    # data subject rights
    PROCESSING_RESTRICTED = "processing_restricted"


STATUS_BY_CODE: dict[ErrorCode, int] = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.MALFORMED_JSON: 400,
    ErrorCode.BODY_TOO_LARGE: 413,
    ErrorCode.VALIDATION_FAILED: 422,
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.INVALID_TOKEN: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.CSRF_FAILED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.CONFLICT: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.SERVER_ERROR: 500,
    ErrorCode.CARD_INVALID: 422,
    ErrorCode.CARD_UNKNOWN: 404,
    ErrorCode.CARD_BLOCKED: 409,
    ErrorCode.QR_EXPIRED: 422,
    ErrorCode.MERCHANT_INACTIVE: 403,
    ErrorCode.IDEMPOTENCY_CONFLICT: 409,
    ErrorCode.INSUFFICIENT_BALANCE: 409,
    ErrorCode.REWARD_UNAVAILABLE: 409,
    ErrorCode.CODE_INVALID: 422,
    ErrorCode.PROCESSING_RESTRICTED: 409,
}


class DomainError(Exception):
    """A refusal the caller can understand and act on."""

    def __init__(
        self,
        code: ErrorCode,
        message: str | Promise,
        *,
        details: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.details = details or {}
        self.status = status or STATUS_BY_CODE.get(code, 400)

    def envelope(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": str(self.message), "details": self.details}
