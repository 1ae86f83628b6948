"""Writes to accounts: people and staff users. Each takes the acting ``Actor`` and records
what it did in the audit log, in the same transaction."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.services import audit_record


@transaction.atomic
def user_create(*, email: str, password: str | None, actor: Actor, verified: bool = False) -> User:
    """Create a login with its allauth e-mail record (primary, verified or not).

    Self-registration goes through allauth's own form (the register's adapter records the
    person's entry); this is for logins others create: staff, invitations, the demo.
    """
    require_actor(actor)
    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    audit_record(actor=actor, action=AuditAction.USER_CREATE, context={"user": str(user.public_id)})
    return user


@transaction.atomic
def staff_role_grant(*, user: User, role: StaffRole, actor: Actor) -> User:
    """Make ``user`` staff in ``role``. Staff pages still demand MFA before use."""
    require_actor(actor)
    user.is_staff = True
    user.save(update_fields=["is_staff", "updated_at"])
    # Migration 0002 creates the role groups; a database flushed since (transactional
    # tests) or a group deleted by hand must not make granting a role fail.
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    audit_record(
        actor=actor,
        action=AuditAction.STAFF_ROLE_GRANT,
        context={"user": str(user.public_id), "role": role.value},
    )
    return user
