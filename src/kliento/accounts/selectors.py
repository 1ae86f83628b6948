"""Reads of accounts, already scoped to who may see them."""

from __future__ import annotations

from django.db.models import QuerySet

from kliento.accounts.models import ApiToken, User
from kliento.accounts.roles import StaffRole


def personal_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The personal access tokens that ``user`` owns, newest first."""
    return ApiToken.objects.filter(user=user, kind=ApiToken.Kind.PERSONAL).order_by("-created_at")


def staff_roles_of(user: User) -> list[StaffRole]:
    """The staff roles ``user`` holds, in the order StaffRole declares them."""
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in StaffRole if role.value in names]
