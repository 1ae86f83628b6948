"""The login's records: the export section "account", its erasure, and the retention of
sessions and finished background tasks (see :mod:`kliento.common.personal_data`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from kliento.accounts.models import ApiToken, StaffSetupToken, User
from kliento.common.personal_data import (
    ERASE_LOGIN,
    RecordKind,
    Retention,
    Section,
    register_retention,
    register_section,
)


def _user(subject: Any) -> User | None:
    return subject.user if subject.user_id else None


def _account(subject: Any) -> Iterator[dict[str, Any]]:
    user = _user(subject)
    yield {
        "kind": "subject",
        "id": subject.public_id,
        "created_at": subject.created_at,
    }
    if user is None:
        return
    yield {
        "kind": "login",
        "id": user.public_id,
        "login_email": user.email,
        "language": user.language,
        "created_at": user.created_at,
        "last_login": user.last_login,
        "password": _("Stored only as a one-way hash; not exported."),
    }
    for address in EmailAddress.objects.filter(user=user).order_by("pk"):
        yield {
            "kind": "login_email_address",
            "email": address.email,
            "verified": address.verified,
            "primary": address.primary,
        }
    for authenticator in Authenticator.objects.filter(user=user).order_by("pk"):
        yield {
            "kind": "two_step_verification",
            "type": authenticator.type,
            "created_at": authenticator.created_at,
            "last_used_at": authenticator.last_used_at,
        }
    tokens = ApiToken.objects.filter(user=user).order_by("pk")
    for token in tokens:
        yield {
            "kind": "access_token",
            "id": token.public_id,
            "name": token.name,
            "token_kind": token.kind,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "expires_at": token.expires_at,
            "revoked_at": token.revoked_at,
        }
    for link in StaffSetupToken.objects.filter(user=user).order_by("pk"):
        yield {
            "kind": "staff_setup_link",
            "id": link.public_id,
            "created_at": link.created_at,
            "expires_at": link.expires_at,
            "used_at": link.used_at,
        }


def _erase_login(subject: Any) -> None:
    """The login e-mail (the one plaintext value), tokens, e-mail addresses and two-step
    verification devices go with the login."""
    if subject.user_id is not None:
        User.objects.filter(pk=subject.user_id).delete()


register_section(
    Section(
        name="account",
        title=_("Your account"),
        models=(
            "accounts.User",
            "account.EmailAddress",
            "mfa.Authenticator",
            "accounts.ApiToken",
            "accounts.StaffSetupToken",
        ),
        items=("login_email", "password", "mfa_secrets"),
        rows=_account,
        description=_(
            "Your login, its e-mail addresses, two-step verification devices and access "
            "tokens. Secrets (password hash, authenticator keys, token secrets, your data "
            "key) are never exported."
        ),
        order=10,
        erase=_erase_login,
        erase_order=ERASE_LOGIN,
        retention=("sessions", "finished_tasks", "staff_setup_links"),
    )
)


# --- technical data: sessions ----------------------------------------------------------


def _sessions_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    # A session is technical data tied to a login; kept only until it expires.
    return Session.objects.filter(expire_date__lt=now)


def _sessions_delete(pks: list[Any]) -> int:
    return Session.objects.filter(pk__in=pks).delete()[0]


# --- technical data: staff setup links, once used or expired ------------------------


def _setup_links_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    # A used or expired link proves nothing the audit log does not: the entries
    # staff.invite and staff.setup stay there.
    return StaffSetupToken.objects.filter(
        models.Q(used_at__lt=now - period) | models.Q(expires_at__lt=now - period)
    )


def _setup_links_delete(pks: list[Any]) -> int:
    return StaffSetupToken.objects.filter(pk__in=pks).delete()[0]


register_retention(
    RecordKind("staff_setup_links", _("Used or expired staff setup links"), "login_email",
               "delete", _setup_links_expired, _setup_links_delete, order=35,
               retention=Retention(timedelta(0), _("Until the link is used or expires.")))
)  # fmt: skip


# --- technical data: finished tasks (queued e-mails hold the address and the text) -----


def _tasks_expired(now: datetime, period: timedelta) -> QuerySet[models.Model]:
    return DBTaskResult.objects.filter(finished_at__lt=now - period)


def _tasks_delete(pks: list[Any]) -> int:
    return DBTaskResult.objects.filter(pk__in=pks).delete()[0]


register_retention(
    RecordKind("sessions", _("Expired login sessions"), "ip_address", "delete",
               _sessions_expired, _sessions_delete, order=10,
               retention=Retention(timedelta(0), _("Until the session expires.")))
)  # fmt: skip
register_retention(
    # Technical data: the period of the technical catalogue items (30 days).
    RecordKind("finished_tasks", _("Finished background tasks, such as sent e-mails"),
               "login_email", "delete", _tasks_expired, _tasks_delete, order=30,
               retention="ip_address")
)  # fmt: skip
