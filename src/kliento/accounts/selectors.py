"""Reads of accounts, already scoped to who may see them."""

from __future__ import annotations

from django.db.models import QuerySet

from kliento.accounts.models import ApiToken, User


def personal_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The personal access tokens that ``user`` owns, newest first."""
    return ApiToken.objects.filter(user=user, kind=ApiToken.Kind.PERSONAL).order_by("-created_at")
