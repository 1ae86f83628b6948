"""The person's own profile over the API: read it, change several items at once."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.throttling import UserRateThrottle

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.register import catalogue, services
from kliento.register.consents import has_consent
from kliento.register.models import Subject
from kliento.register.schemas import ProfileOut, ProfilePatchIn

router = Router(tags=["profile"])


def _me(request: HttpRequest) -> tuple[Subject, Actor]:
    user = request.user
    if not isinstance(user, User):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, _("Authentication is required."))
    return services.subject_of(user), Actor.person(user, request, via="api")


def _catalogue() -> list[dict[str, Any]]:
    return [
        {
            "key": item.key,
            "label": str(item.label),
            "category": str(item.category),
            "category_label": str(catalogue.CATEGORY_LABELS[item.category]),
            "kind": str(item.kind),
            "multiple": item.multiple,
            "max_length": item.max_length,
            "choices": [{"value": k, "label": str(label)} for k, label in item.choices],
            "special_category": item.special_category,
            "requires_consent": (
                services.HEALTH_CONSENT_PURPOSE if item.special_category else None
            ),
            "shareable": item.shareable,
            "help_text": str(item.help_text),
        }
        for item in catalogue.PROFILE_ITEMS
    ]


def _profile_out(subject: Subject, actor: Actor) -> dict[str, Any]:
    stored = services.profile_read(subject=subject, actor=actor, purpose="")
    return {
        "items": {
            item.key: [
                {"id": v.id, "value": v.value, "is_primary": v.is_primary}
                for v in stored.get(item.key, [])
            ]
            for item in catalogue.PROFILE_ITEMS
        },
        "consents": {
            services.HEALTH_CONSENT_PURPOSE: has_consent(
                subject=subject, purpose=services.HEALTH_CONSENT_PURPOSE
            )
        },
        "catalogue": _catalogue(),
    }


@router.get("/me/profile", response=ProfileOut, summary="My profile, with the catalogue")
def profile_get(request: HttpRequest) -> dict[str, Any]:
    subject, actor = _me(request)
    return _profile_out(subject, actor)


@router.patch(
    "/me/profile",
    response=ProfileOut,
    throttle=[UserRateThrottle("60/m")],
    summary="Change my profile: every operation is applied, or none",
    description=(
        "Operations run in the order delete, update, set, add, primary, in one transaction. "
        "If any is refused, nothing is stored and the error envelope lists every refused "
        "operation in details.errors (op, item or id, code, message). Status: 403 when an "
        "item needs a consent that is not given (allergies: health_data), 404 when a value "
        "id is not one of yours, 422 for invalid values or unknown items."
    ),
)
def profile_patch(request: HttpRequest, payload: ProfilePatchIn) -> dict[str, Any]:
    subject, actor = _me(request)
    services.profile_patch(
        subject=subject,
        patch=services.ProfilePatch(
            set=payload.set,
            add=payload.add,
            update=payload.update,
            delete=payload.delete,
            primary=payload.primary,
        ),
        actor=actor,
    )
    return _profile_out(subject, actor)
