"""``GET /api/v1/me/export``: the person's export, streamed (session or personal token)."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.privacy import services
from kliento.privacy.views import export_response
from kliento.register.services import subject_of

router = Router(tags=["privacy"])


@router.get(
    "/me/export",
    response={200: None},
    summary="Everything the register holds about you (streamed JSON, docs/export-schema.md)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The export document, schema_version 1.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def my_export(request: HttpRequest) -> StreamingHttpResponse:
    user = request.user  # the session's user, or the personal token's
    if not isinstance(user, User):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, _("Sign in first."))
    subject = subject_of(user)
    return export_response(
        services.export_open(subject=subject, actor=Actor.person(user, request, via="api"))
    )
