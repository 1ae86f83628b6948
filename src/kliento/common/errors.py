"""The one domain error type and its codes.

Services raise ``DomainError``; the API turns it into the envelope
``{"code": ..., "message": ..., "details": {...}}`` with the status the code maps to,
and pages show ``message`` as a form error (``kliento.common.forms.add_domain_error``).

One code per kind of refusal, so that a client can act on the code alone; every code is
documented in docs/api.md (a test holds the table to this enum and to its statuses).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    MALFORMED_JSON = "malformed_json"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    BODY_TOO_LARGE = "body_too_large"
    VALIDATION_FAILED = "validation_failed"  # framework: body or parameters off the schema
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a secret)
    PERMISSION_DENIED = "permission_denied"
    CSRF_FAILED = "csrf_failed"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"  # framework: a 409 from outside the services, never a service
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    SERVICE_UNAVAILABLE = "service_unavailable"  # the database is unreachable: retry later
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
    # Input a service refuses (422): the client corrects the input and sends it again.
    # ``validation_failed`` above stays the framework's answer to a body or parameter that
    # does not fit the schema; services raise these instead.
    VALUE_INVALID = "value_invalid"  # a value is missing, malformed, out of range or not a choice
    REASON_REQUIRED = "reason_required"  # staff must state a purpose or reason for the action
    CONFIRMATION_REQUIRED = "confirmation_required"  # a risky change needs typed confirmation
    ITEM_UNKNOWN = "item_unknown"  # no data item with that key in the catalogue
    ITEM_NOT_SUPPORTED = "item_not_supported"  # the item cannot be edited/searched/shared
    ITEM_MULTIVALUED = "item_multivalued"  # the item has several values: change them one by one
    CHANGES_REFUSED = "changes_refused"  # a profile patch refused: see ``details.errors``
    CARD_NOT_BLOCKABLE = "card_not_blockable"  # the phone QR code expires by itself
    NO_POINTS_REWARDS = "no_points_rewards"  # the program has no points rewards to redeem
    NOT_A_DRAW = "not_a_draw"  # only a prize draw has winners
    BUSINESS_ID_INVALID = "business_id_invalid"  # not a Y-tunnus (format or check digit)
    APPLICATION_LINK_INVALID = "application_link_invalid"  # used, expired or made up
    BASIS_NOT_ALLOWED = "basis_not_allowed"  # the recipient's kind takes no data on that basis
    IDENTIFIER_UNRECOGNISED = "identifier_unrecognised"  # not an e-mail, phone or card number
    CORRECTION_EMPTY = "correction_empty"  # a balance correction changes nothing
    # State refusals (409): the request is well formed but the stored state forbids it.
    NAME_TAKEN = "name_taken"  # a usable token or integration already has this name
    CHANGED_SINCE_READ = "changed_since_read"  # data changed since the form was read: reload
    NOTICE_CHANGED = "notice_changed"  # consent to an old notice: read the current one
    CARD_ALREADY_LINKED = "card_already_linked"  # the card is registered to someone
    CARD_NOT_ACTIVE = "card_not_active"  # the card is already blocked or replaced
    CARD_ERASED = "card_erased"  # the visit's card was erased: no replay, no reversal
    PREMISES_CLOSED = "premises_closed"  # the premises take no check-ins
    ALREADY_REVERSED = "already_reversed"  # the transaction was reversed before
    REWARD_ALREADY_USED = "reward_already_used"  # the visit's reward was used: no reversal
    LAST_OWNER = "last_owner"  # a merchant keeps at least one owner
    CANNOT_REMOVE_SELF = "cannot_remove_self"  # a member cannot remove themselves
    ALREADY_ANSWERED = "already_answered"  # the person has answered this survey
    DRAW_NOT_DUE = "draw_not_due"  # the draw's end date has not passed
    DRAW_ALREADY_RUN = "draw_already_run"  # the prize draw has been drawn
    # data subject requests (409)
    REQUEST_ALREADY_CLOSED = "request_already_closed"
    REQUEST_ALREADY_VERIFIED = "request_already_verified"
    REQUEST_NOT_VERIFIED = "request_not_verified"  # the person has not verified it yet
    REQUEST_ALREADY_EXTENDED = "request_already_extended"  # the due date extends only once
    REQUEST_KIND_MISMATCH = "request_kind_mismatch"  # the action does not fit the kind
    REQUEST_ALREADY_APPLIED = "request_already_applied"  # the action has been done
    FEE_PENDING = "fee_pending"  # a proposed fee waits for the person's answer
    FEE_ALREADY_ANSWERED = "fee_already_answered"
    ALREADY_RESTRICTED = "already_restricted"  # processing is restricted already
    NOT_RESTRICTED = "not_restricted"  # there is no restriction to lift
    # merchant onboarding (409)
    BUSINESS_ID_TAKEN = "business_id_taken"  # a merchant or a pending application has it
    LOGIN_EXISTS = "login_exists"  # the applicant's address has a login: sign in with it
    APPLICATION_NOT_READY = "application_not_ready"  # the applicant has not verified it yet
    APPLICATION_ALREADY_DECIDED = "application_already_decided"  # approved or rejected before
    MERCHANT_NOT_APPROVED = "merchant_not_approved"  # only an approved merchant is suspended
    MERCHANT_NOT_SUSPENDED = "merchant_not_suspended"  # only a suspended one is reactivated
    # staff management (the register holder's own staff)
    EMAIL_INVALID = "email_invalid"  # not an e-mail address
    ROLE_UNKNOWN = "role_unknown"  # not one of the staff roles
    PASSWORD_REJECTED = "password_rejected"  # noqa: S105 (a code: the password fails the rules)
    SETUP_LINK_UNKNOWN = "setup_link_unknown"  # no staff setup link with this token
    SETUP_LINK_EXPIRED = "setup_link_expired"  # the staff setup link has expired
    SETUP_LINK_USED = "setup_link_used"  # the staff setup link was used already
    ALREADY_STAFF = "already_staff"  # the address belongs to a staff member
    NOT_STAFF = "not_staff"  # the user is not a staff member
    LAST_ADMINISTRATOR = "last_administrator"  # the last administrator keeps the role
    LAST_ROLE = "last_role"  # a staff member keeps at least one role: remove them instead
    ADMINISTRATOR_EXISTS = "administrator_exists"  # the first administrator exists already
    # card stock (409)
    CARD_BATCH_INACTIVE = "card_batch_inactive"  # the card's batch is not activated, or voided
    BATCH_ALREADY_ACTIVE = "batch_already_active"  # the batch was activated before
    BATCH_VOIDED = "batch_voided"  # the batch is voided: nothing more can be done with it
    BATCH_CODES_GONE = "batch_codes_gone"  # codes are printable only before activation
    ISSUER_IN_USE = "issuer_in_use"  # an issuer with cards keeps its kind
    # customer service's person view (409)
    CARD_NOT_BLOCKED = "card_not_blocked"  # unblocking a card that is not blocked
    BALANCE_WOULD_BE_NEGATIVE = "balance_would_be_negative"  # a correction below zero
    EMAIL_NOT_VERIFIED = "email_not_verified"  # no verified login address to send a code to


STATUS_BY_CODE: dict[ErrorCode, int] = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.MALFORMED_JSON: 400,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
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
    ErrorCode.SERVICE_UNAVAILABLE: 503,
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
    # input refusals
    ErrorCode.VALUE_INVALID: 422,
    ErrorCode.REASON_REQUIRED: 422,
    ErrorCode.CONFIRMATION_REQUIRED: 422,
    ErrorCode.ITEM_UNKNOWN: 422,
    ErrorCode.ITEM_NOT_SUPPORTED: 422,
    ErrorCode.ITEM_MULTIVALUED: 422,
    ErrorCode.CHANGES_REFUSED: 422,
    ErrorCode.CARD_NOT_BLOCKABLE: 422,
    ErrorCode.NO_POINTS_REWARDS: 422,
    ErrorCode.NOT_A_DRAW: 422,
    ErrorCode.BUSINESS_ID_INVALID: 422,
    ErrorCode.APPLICATION_LINK_INVALID: 422,
    ErrorCode.BASIS_NOT_ALLOWED: 422,
    ErrorCode.IDENTIFIER_UNRECOGNISED: 422,
    ErrorCode.CORRECTION_EMPTY: 422,
    # state refusals
    ErrorCode.NAME_TAKEN: 409,
    ErrorCode.CHANGED_SINCE_READ: 409,
    ErrorCode.NOTICE_CHANGED: 409,
    ErrorCode.CARD_ALREADY_LINKED: 409,
    ErrorCode.CARD_NOT_ACTIVE: 409,
    ErrorCode.CARD_ERASED: 409,
    ErrorCode.PREMISES_CLOSED: 409,
    ErrorCode.ALREADY_REVERSED: 409,
    ErrorCode.REWARD_ALREADY_USED: 409,
    ErrorCode.LAST_OWNER: 409,
    ErrorCode.CANNOT_REMOVE_SELF: 409,
    ErrorCode.ALREADY_ANSWERED: 409,
    ErrorCode.DRAW_NOT_DUE: 409,
    ErrorCode.DRAW_ALREADY_RUN: 409,
    ErrorCode.REQUEST_ALREADY_CLOSED: 409,
    ErrorCode.REQUEST_ALREADY_VERIFIED: 409,
    ErrorCode.REQUEST_NOT_VERIFIED: 409,
    ErrorCode.REQUEST_ALREADY_EXTENDED: 409,
    ErrorCode.REQUEST_KIND_MISMATCH: 409,
    ErrorCode.REQUEST_ALREADY_APPLIED: 409,
    ErrorCode.FEE_PENDING: 409,
    ErrorCode.FEE_ALREADY_ANSWERED: 409,
    ErrorCode.ALREADY_RESTRICTED: 409,
    ErrorCode.NOT_RESTRICTED: 409,
    ErrorCode.BUSINESS_ID_TAKEN: 409,
    ErrorCode.LOGIN_EXISTS: 409,
    ErrorCode.APPLICATION_NOT_READY: 409,
    ErrorCode.APPLICATION_ALREADY_DECIDED: 409,
    ErrorCode.MERCHANT_NOT_APPROVED: 409,
    ErrorCode.MERCHANT_NOT_SUSPENDED: 409,
    ErrorCode.EMAIL_INVALID: 422,
    ErrorCode.ROLE_UNKNOWN: 422,
    ErrorCode.PASSWORD_REJECTED: 422,
    ErrorCode.SETUP_LINK_UNKNOWN: 404,
    ErrorCode.SETUP_LINK_EXPIRED: 410,
    ErrorCode.SETUP_LINK_USED: 410,
    ErrorCode.ALREADY_STAFF: 409,
    ErrorCode.NOT_STAFF: 409,
    ErrorCode.LAST_ADMINISTRATOR: 409,
    ErrorCode.LAST_ROLE: 409,
    ErrorCode.ADMINISTRATOR_EXISTS: 409,
    ErrorCode.CARD_BATCH_INACTIVE: 409,
    ErrorCode.BATCH_ALREADY_ACTIVE: 409,
    ErrorCode.BATCH_VOIDED: 409,
    ErrorCode.BATCH_CODES_GONE: 409,
    ErrorCode.ISSUER_IN_USE: 409,
    ErrorCode.CARD_NOT_BLOCKED: 409,
    ErrorCode.BALANCE_WOULD_BE_NEGATIVE: 409,
    ErrorCode.EMAIL_NOT_VERIFIED: 409,
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
