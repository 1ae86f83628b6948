"""Writes to accounts: people and staff users."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole


@transaction.atomic
def user_create(
    *, email: str, password: str | None, actor: User | None, verified: bool = False
) -> User:
    """Create a login with its allauth e-mail record (primary, verified or not).

    ``actor`` is None only for self-registration and system setup (the demo).
    """
    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


@transaction.atomic
def staff_role_grant(*, user: User, role: StaffRole, actor: User | None) -> User:
    """Make ``user`` staff in ``role``. Staff pages still demand MFA before use."""
    user.is_staff = True
    user.save(update_fields=["is_staff", "updated_at"])
    # Migration 0002 creates the role groups; a database flushed since (transactional
    # tests) or a group deleted by hand must not make granting a role fail.
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    return user
