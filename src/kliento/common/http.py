"""JSON error responses for paths outside the Ninja router and the health check."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kliento.common.errors import DomainError, ErrorCode

logger = logging.getLogger(__name__)


def error_response(error: DomainError) -> JsonResponse:
    return JsonResponse(error.envelope(), status=error.status)


_CODE_BY_STATUS = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.BODY_TOO_LARGE,
    429: ErrorCode.RATE_LIMITED,
}
# Headers a client needs to act on the error; the rest of the old response is dropped.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiErrorEnvelopeMiddleware:
    """Give every error under ``/api/`` the envelope, whichever layer produced it.

    Ninja's own handlers already answer with the envelope; this catches the rest:
    405 from Ninja's router, Django's debug pages for uncaught errors, and anything
    else that answers an API client with HTML.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not _is_api(request)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        if status == 405:
            message = _("This method is not allowed here.")
        elif status >= 500:
            message = _("Something went wrong on our side.")
        else:
            message = _("The request cannot be served.")
        code = _CODE_BY_STATUS.get(
            status, ErrorCode.SERVER_ERROR if status >= 500 else ErrorCode.BAD_REQUEST
        )
        enveloped = error_response(DomainError(code, message, status=status))
        for header in _KEPT_HEADERS:
            if header in response:
                enveloped[header] = response[header]
        logger.info(
            "api refused method=%s path=%s status=%s code=%s",
            request.method,
            request.path,
            status,
            code,
        )
        return enveloped


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return error_response(DomainError(ErrorCode.BAD_REQUEST, _("The request is not valid.")))
    return render(request, "errors/400.html", status=400)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return error_response(DomainError(ErrorCode.PERMISSION_DENIED, _("You may not do this.")))
    return render(request, "errors/403.html", status=403)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return error_response(DomainError(ErrorCode.NOT_FOUND, _("Not found.")))
    return render(request, "errors/404.html", status=404)


def handler500(request: HttpRequest) -> HttpResponse:
    # Django calls this for whatever a view or a middleware left uncaught; a database
    # that cannot be reached is an outage to wait out (503), not a defect (500).
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    if _is_api(request):
        return error_response(
            DomainError(ErrorCode.SERVER_ERROR, _("Something went wrong on our side."))
        )
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    logger.info("csrf failure path=%s reason=%s", request.path, reason)
    if _is_api(request):
        return error_response(DomainError(ErrorCode.PERMISSION_DENIED, _("The CSRF check failed.")))
    return render(request, "errors/403.html", status=403)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database readiness for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not ready"
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# Powerful browser features no page needs stay off; the cashier's screen scans QR codes
# with the camera, and passkeys (WebAuthn) need the credential APIs, on this origin only.
PERMISSIONS_POLICY = ", ".join(
    (
        "camera=(self)",
        "publickey-credentials-get=(self)",
        "publickey-credentials-create=(self)",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "bluetooth=()",
        "display-capture=()",
        "interest-cohort=()",
    )
)


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` on every response (Django has no setting for it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


RETRY_AFTER_SECONDS = 5


def unavailable() -> DomainError:
    """The refusal while the database cannot be reached."""
    return DomainError(
        ErrorCode.SERVICE_UNAVAILABLE,
        _("The service is briefly unavailable. Try again in a moment."),
        details={"retry_after": RETRY_AFTER_SECONDS},
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: the envelope under /api/, a plain page elsewhere (the
    base layout would read the session and the menu from the database that is away)."""
    logger.warning("database unavailable path=%s", request.path)
    if _is_api(request):
        response: HttpResponse = error_response(unavailable())
    else:
        response = render(request, "errors/503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
