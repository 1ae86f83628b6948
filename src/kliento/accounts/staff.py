"""Writes to the register holder's staff: the first administrator, invitations by e-mail
with a one-time setup link, role changes and removal.

A setup link lets a new staff member choose their password; StaffMfaMiddleware then
demands TOTP before any staff page opens. Each service takes the acting ``Actor`` (the
setup, which has none until the link is checked, acts as the invitee) and records what
it did in the audit log, in the same transaction.

The last administrator who can log in (one with a usable password) can neither be
removed nor lose the role, so the register never ends up without anyone to manage it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.accounts.models import StaffSetupToken, User
from kliento.accounts.roles import StaffRole
from kliento.accounts.selectors import staff_roles_of
from kliento.accounts.services import staff_role_grant, user_create
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.models import ActorKind
from kliento.audit.services import audit_record
from kliento.common.errors import DomainError, ErrorCode

SETUP_LINK_VALIDITY = timedelta(hours=72)
LANGUAGES = ("fi", "sv", "en")


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _clean_email(email: str) -> str:
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise DomainError(
            ErrorCode.EMAIL_INVALID,
            _("Enter a valid e-mail address."),
            details={"field": "email"},
        ) from None
    return address


def _clean_role(role: StaffRole | str) -> StaffRole:
    try:
        return StaffRole(role)
    except ValueError:
        raise DomainError(
            ErrorCode.ROLE_UNKNOWN,
            _("Choose one of the staff roles."),
            details={"field": "role"},
        ) from None


def _require_staff(user: User) -> None:
    if not (user.is_active and user.is_staff):
        raise DomainError(ErrorCode.NOT_STAFF, _("This user is not a staff member."))


def _link_issue(user: User) -> str:
    """A new setup link for ``user``; earlier unused links of theirs stop working."""
    now = timezone.now()
    StaffSetupToken.objects.filter(user=user, used_at=None, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    StaffSetupToken.objects.create(
        user=user, token_hash=_hash(token), expires_at=now + SETUP_LINK_VALIDITY
    )
    return token


def administrators_able_to_log_in() -> list[User]:
    """The active administrators with a usable password.

    The administrator group's row is locked first and held to the end of the
    transaction: every change that could take away an administrator passes here, so two
    of them run one after the other and the second counts what the first left (on
    PostgreSQL a lock on the users alone would not see a group membership removed
    meanwhile)."""
    Group.objects.select_for_update().filter(name=StaffRole.ADMINISTRATOR.value).first()
    return list(
        User.objects.filter(
            is_active=True, is_staff=True, groups__name=StaffRole.ADMINISTRATOR.value
        )
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .order_by("pk")
    )


def _require_not_last_administrator(user: User) -> None:
    administrators = administrators_able_to_log_in()
    if [admin.pk for admin in administrators] == [user.pk]:
        raise DomainError(
            ErrorCode.LAST_ADMINISTRATOR,
            _(
                "This is the last administrator. Make someone else an administrator "
                "before removing them or their administrator role."
            ),
        )


@transaction.atomic
def staff_invite(
    *, email: str, role: StaffRole | str, actor: Actor, language: str = "fi"
) -> tuple[User, str]:
    """Invite ``email`` to the staff in ``role`` and return the user and the setup token.

    The token goes only into the e-mail (and the command's output); a new address gets
    a login without a usable password, an existing person's login becomes staff. The
    address of a staff member is refused: change their role instead.
    """
    require_actor(actor)
    address = _clean_email(email)
    staff_role = _clean_role(role)
    user = User.objects.select_for_update().filter(email__iexact=address).first()
    if user is not None and user.is_staff:
        raise DomainError(
            ErrorCode.ALREADY_STAFF,
            _("This address belongs to a staff member already. Change their role instead."),
            details={"field": "email"},
        )
    if user is None:
        user = user_create(email=address, password=None, actor=actor, verified=False)
        # a new login takes the invitation's language; an existing person keeps their own
        if language in LANGUAGES:
            user.language = language
            user.save(update_fields=["language", "updated_at"])
    staff_role_grant(user=user, role=staff_role, actor=actor)
    token = _link_issue(user)
    audit_record(
        actor=actor,
        action=AuditAction.STAFF_INVITE,
        context={"user": str(user.public_id), "role": staff_role.value},
    )
    return user, token


@transaction.atomic
def staff_first_admin_create(
    *, email: str, actor: Actor, language: str = "fi", force: bool = False
) -> tuple[User, str]:
    """The first administrator and their setup link (``kliento staff create-admin``).

    Refused when an administrator exists, unless ``force``. Run again for an
    administrator who has not used their link yet, it sends a new link instead.
    """
    require_actor(actor)
    address = _clean_email(email)
    existing = User.objects.filter(email__iexact=address).first()
    if (
        existing is not None
        and existing.has_role(StaffRole.ADMINISTRATOR)
        and not existing.has_usable_password()
    ):
        return existing, staff_setup_link_renew(user=existing, actor=actor)
    # The group's row lock makes two concurrent runs count one after the other.
    Group.objects.select_for_update().filter(name=StaffRole.ADMINISTRATOR.value).first()
    administrators = User.objects.filter(
        is_active=True, is_staff=True, groups__name=StaffRole.ADMINISTRATOR.value
    )
    if administrators.exists() and not force:
        raise DomainError(
            ErrorCode.ADMINISTRATOR_EXISTS,
            _(
                "An administrator exists already. Invite more on the Team page, or pass "
                "--force to create another one here."
            ),
        )
    return staff_invite(email=address, role=StaffRole.ADMINISTRATOR, actor=actor, language=language)


@transaction.atomic
def staff_setup_link_renew(*, user: User, actor: Actor) -> str:
    """A new setup link for a staff member; earlier unused links stop working."""
    require_actor(actor)
    _require_staff(user)
    token = _link_issue(user)
    audit_record(
        actor=actor, action=AuditAction.STAFF_INVITE_RESEND, context={"user": str(user.public_id)}
    )
    return token


def staff_setup_token_check(*, token: str) -> StaffSetupToken:
    """The usable setup link ``token`` names, or the DomainError that explains why not."""
    link = StaffSetupToken.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if link is None or not (link.user.is_active and link.user.is_staff):
        raise DomainError(
            ErrorCode.SETUP_LINK_UNKNOWN,
            _("This link is not valid. Ask an administrator for a new invitation."),
        )
    if link.used_at is not None:
        raise DomainError(
            ErrorCode.SETUP_LINK_USED,
            _(
                "This link has been used already. Log in with the password you chose, or "
                "ask an administrator for a new link."
            ),
        )
    if link.expires_at <= timezone.now():
        raise DomainError(
            ErrorCode.SETUP_LINK_EXPIRED,
            _("This link has expired. Ask an administrator to send you a new one."),
        )
    return link


@transaction.atomic
def staff_setup_complete(*, token: str, password: str, client_ip: str | None = None) -> User:
    """Set the invitee's password through their setup link, which then stops working.

    The password passes the configured validators (length, breached list). Opening the
    link proves the mailbox, so the login address counts as verified.
    """
    # Lock the link first, so that two submissions of one form cannot both use it.
    StaffSetupToken.objects.select_for_update().filter(token_hash=_hash(token)).first()
    link = staff_setup_token_check(token=token)
    user = link.user
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError(
            ErrorCode.PASSWORD_REJECTED,
            " ".join(error.messages),
            details={"field": "password", "errors": list(error.messages)},
        ) from None
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    roles = staff_roles_of(user)
    actor = Actor(
        ActorKind.STAFF, str(user.public_id), roles[0].value if roles else "", "web",
        client_ip, user,
    )  # fmt: skip
    audit_record(actor=actor, action=AuditAction.STAFF_SETUP, context={"user": str(user.public_id)})
    return user


@transaction.atomic
def staff_role_revoke(*, user: User, role: StaffRole | str, actor: Actor) -> User:
    """Take ``role`` from a staff member. Not their only role (remove them instead), and
    not the administrator role of the last administrator."""
    require_actor(actor)
    _require_staff(user)
    staff_role = _clean_role(role)
    held = staff_roles_of(user)
    if staff_role not in held:
        return user
    if held == [staff_role]:
        raise DomainError(
            ErrorCode.LAST_ROLE,
            _("This is the member's only role. Remove them from the staff instead."),
            details={"field": "role"},
        )
    if staff_role == StaffRole.ADMINISTRATOR:
        _require_not_last_administrator(user)
    _revoke(user, staff_role, actor)
    return user


def _revoke(user: User, role: StaffRole, actor: Actor) -> None:
    group = Group.objects.filter(name=role.value).first()
    if group is not None:
        user.groups.remove(group)
    audit_record(
        actor=actor,
        action=AuditAction.STAFF_ROLE_REVOKE,
        context={"user": str(user.public_id), "role": role.value},
    )


@transaction.atomic
def staff_role_change(*, user: User, role: StaffRole | str, actor: Actor) -> User:
    """Make ``role`` the staff member's only role: grant it, revoke the others."""
    require_actor(actor)
    _require_staff(user)
    staff_role = _clean_role(role)
    held = staff_roles_of(user)
    if StaffRole.ADMINISTRATOR in held and staff_role != StaffRole.ADMINISTRATOR:
        _require_not_last_administrator(user)
    if staff_role not in held:
        staff_role_grant(user=user, role=staff_role, actor=actor)
    for other in held:
        if other != staff_role:
            _revoke(user, other, actor)
    return user


@transaction.atomic
def staff_remove(*, user: User, actor: Actor) -> User:
    """Take away staff status, every role and any unused setup link; the login stays as
    a person's account. The last administrator cannot be removed, not even by
    themselves."""
    require_actor(actor)
    _require_staff(user)
    held = staff_roles_of(user)
    if StaffRole.ADMINISTRATOR in held:
        _require_not_last_administrator(user)
    user.groups.clear()
    user.user_permissions.clear()
    user.is_staff = False
    user.is_superuser = False
    user.save(update_fields=["is_staff", "is_superuser", "updated_at"])
    now = timezone.now()
    StaffSetupToken.objects.filter(user=user, used_at=None, expires_at__gt=now).update(
        expires_at=now
    )
    audit_record(
        actor=actor,
        action=AuditAction.STAFF_REMOVE,
        context={"user": str(user.public_id), "roles": [role.value for role in held]},
    )
    return user
