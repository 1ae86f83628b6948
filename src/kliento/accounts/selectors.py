"""Reads of accounts, already scoped to who may see them."""

from __future__ import annotations

from uuid import UUID

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from kliento.accounts.models import ApiToken, StaffSetupToken, User
from kliento.accounts.roles import StaffRole


def personal_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The personal access tokens that ``user`` owns, newest first."""
    return ApiToken.objects.filter(user=user, kind=ApiToken.Kind.PERSONAL).order_by("-created_at")


def staff_roles_of(user: User) -> list[StaffRole]:
    """The staff roles ``user`` holds, in the order StaffRole declares them (one query, or
    none when the groups were prefetched, as on the team list)."""
    names = {group.name for group in user.groups.all()}
    return [role for role in StaffRole if role.value in names]


def staff_team() -> QuerySet[User]:
    """Every staff member for the Team page, with their roles (prefetched), whether TOTP is
    on (``has_totp``), and their newest setup link's expiry and use (``link_expires_at``,
    ``link_used_at``, None when they never had one). Ordered by address."""
    newest_link = StaffSetupToken.objects.filter(user=OuterRef("pk")).order_by("-created_at")
    return (
        User.objects.filter(is_staff=True)
        .annotate(
            has_totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
            link_expires_at=Subquery(newest_link.values("expires_at")[:1]),
            link_used_at=Subquery(newest_link.values("used_at")[:1]),
        )
        .prefetch_related("groups")
        .order_by("email")
    )


def staff_member(*, public_id: UUID) -> User | None:
    """The staff member with ``public_id``, or None (also for a person who is not staff)."""
    return User.objects.filter(is_staff=True, public_id=public_id).first()
