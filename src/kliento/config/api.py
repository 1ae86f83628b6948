"""The one Ninja API object at /api/v1/ and the one error envelope.

Every error, whichever layer raises it, leaves as
``{"code": "...", "message": "...", "details": {...}}`` with the matching status.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from kliento.accounts.api import router as accounts_router
from kliento.accounts.api_auth import default_auth
from kliento.cards.api import router as cards_router
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.http import RETRY_AFTER_SECONDS, unavailable
from kliento.config.parser import StrictParser
from kliento.consent.api import router as consent_router
from kliento.privacy.api import router as privacy_router
from kliento.register.api import router as register_router
from kliento.sharing.api import router as sharing_router
from kliento.visits.api import person_router as my_visits_router
from kliento.visits.api import router as visits_router

logger = logging.getLogger("kliento.api")

ERROR_ENVELOPE = {
    "title": "ErrorEnvelope",
    "type": "object",
    "description": "Every error: a code a client can act on (docs/api.md lists them), a "
    "message in the caller's language, and details.",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {"type": "string", "enum": sorted(code.value for code in ErrorCode)},
        "message": {"type": "string"},
        "details": {"type": "object", "additionalProperties": True},
    },
}
ERROR_DESCRIPTIONS = {
    400: "Malformed request (malformed_json, bad_request)",
    401: "Not authenticated, or the token is unknown, expired or revoked",
    403: "Not allowed (permission_denied, csrf_failed)",
    404: "Not found, or not yours",
    409: "The stored state forbids it (see docs/api.md for the codes)",
    413: "The request body is too large",
    415: "The request body is not application/json",
    422: "A value is not valid (validation_failed, value_invalid, ...)",
    429: "Too many requests (Retry-After says when to try again)",
    500: "Something went wrong on our side",
    503: "The service is briefly unavailable (Retry-After says when to try again)",
}


class KlientoAPI(NinjaAPI):
    """The API whose OpenAPI document declares the error envelope and every error status
    an operation can answer, beside its successful responses."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("schemas", {})["ErrorEnvelope"] = ERROR_ENVELOPE
        envelope = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                statuses = [400, 422, 429, 500, 503]
                if operation.get("security"):
                    statuses += [401, 403]
                if "{" in path:
                    statuses.append(404)
                if "requestBody" in operation:
                    statuses += [409, 413, 415]
                responses = operation.setdefault("responses", {})
                for status in sorted(statuses):
                    responses.setdefault(
                        status, {"description": ERROR_DESCRIPTIONS[status], "content": envelope}
                    )
        return schema


api = KlientoAPI(
    title="Kliento API",
    version="1",
    description=(
        "The Kliento customer register and customer card API. Errors always use the "
        'envelope {"code", "message", "details"}.'
    ),
    urls_namespace="api",
    auth=default_auth,
    # The document is public at /api/v1/openapi.json (and committed as docs/openapi.json);
    # Ninja's Swagger page would load scripts from a CDN, which our CSP forbids.
    docs_url=None,
    parser=StrictParser(),
)


def _envelope(request: HttpRequest, error: DomainError) -> HttpResponse:
    # One line per refusal: method, path, status and code, never headers or bodies
    # (they carry tokens, cookies and personal data).
    logger.info(
        "api refused method=%s path=%s status=%s code=%s",
        request.method,
        request.path,
        error.status,
        error.code,
    )
    response = api.create_response(request, error.envelope(), status=error.status)
    if error.status == 429 and "retry_after" in error.details:
        response["Retry-After"] = str(error.details["retry_after"])
    return response


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _envelope(request, exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: list[dict[str, Any]] = [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return _envelope(
        request,
        DomainError(
            ErrorCode.VALIDATION_FAILED,
            _("Some fields are not valid."),
            details={"errors": fields},
        ),
    )


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    details = {"retry_after": math.ceil(exc.wait)} if exc.wait else {}
    return _envelope(
        request,
        DomainError(
            ErrorCode.RATE_LIMITED, _("Too many requests. Try again later."), details=details
        ),
    )


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _envelope(
        request, DomainError(ErrorCode.NOT_AUTHENTICATED, _("Authentication is required."))
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, DomainError):  # the parser's own refusals (config/parser.py)
        error = cause
    elif isinstance(cause, RequestDataTooBig):
        error = DomainError(ErrorCode.BODY_TOO_LARGE, _("The request body is too large."))
    elif isinstance(cause, ValueError | json.JSONDecodeError):
        error = DomainError(ErrorCode.MALFORMED_JSON, _("The request body is not valid JSON."))
    else:
        code = {
            400: ErrorCode.BAD_REQUEST,
            401: ErrorCode.NOT_AUTHENTICATED,
            403: ErrorCode.PERMISSION_DENIED,
            404: ErrorCode.NOT_FOUND,
            405: ErrorCode.METHOD_NOT_ALLOWED,
            409: ErrorCode.CONFLICT,
            429: ErrorCode.RATE_LIMITED,
        }.get(exc.status_code, ErrorCode.BAD_REQUEST)
        error = DomainError(code, str(exc), status=exc.status_code)
    return _envelope(request, error)


@api.exception_handler(RequestDataTooBig)
def _body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _envelope(
        request,
        DomainError(
            ErrorCode.BODY_TOO_LARGE,
            _("The request body is too large."),
            details={"max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        ),
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _envelope(request, DomainError(ErrorCode.NOT_FOUND, _("Not found.")))


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _envelope(request, DomainError(ErrorCode.PERMISSION_DENIED, _("You may not do this.")))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("database unavailable path=%s error=%s", request.path, type(exc))
    response = _envelope(request, unavailable())
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("api error path=%s", request.path)
    return _envelope(
        request, DomainError(ErrorCode.SERVER_ERROR, _("Something went wrong on our side."))
    )


api.add_router("/", accounts_router)
api.add_router("/", register_router)
api.add_router("/", consent_router)
api.add_router("/", visits_router)
api.add_router("/", sharing_router)
api.add_router("/", cards_router)
api.add_router("/", my_visits_router)
api.add_router("/", privacy_router)
