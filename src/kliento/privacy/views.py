"""The person's export and account cancellation pages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.privacy import services
from kliento.privacy.export import Section, item_about, section_counts
from kliento.privacy.forms import CancelAccountForm
from kliento.register import catalogue
from kliento.register.services import subject_of

PREVIEW_ROWS = 20
# Long machine-readable values that the page leaves to the download.
_HIDDEN_ON_PAGE = frozenset(
    {"receipt", "id", "card", "visit", "reward", "notice_hash", "password", "merchant_id"}
)
_ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


COLUMN_LABELS: dict[str, Any] = {
    "kind": _("Kind"), "at": _("Time"), "merchant": _("Merchant"), "premises": _("Premises"),
    "amount_cents": _("Amount (cents)"), "item": _("Item"), "label": _("Item"),
    "value": _("Value"), "display": _("Value"), "is_primary": _("Primary"),
    "created_at": _("Created"), "login_email": _("Login e-mail address"),
    "language": _("Language"), "last_login": _("Last signed in"), "password": _("Password"),
    "email": _("E-mail address"), "verified": _("Verified"), "primary": _("Primary"),
    "type": _("Type"), "last_used_at": _("Last used"), "name": _("Name"),
    "token_kind": _("Token kind"), "expires_at": _("Expires"), "revoked_at": _("Revoked"),
    "role": _("Role"), "issuer": _("Issuer"), "status": _("Status"), "masked": _("Card"),
    "number": _("Number"), "registered_at": _("Registered"), "blocked_at": _("Blocked"),
    "program": _("Program"), "points": _("Points"), "stamps": _("Stamps"),
    "reason": _("Reason"), "earned_at": _("Earned"), "redeemed_at": _("Redeemed"),
    "purpose": _("Purpose"), "action": _("Action"), "channel": _("Channel"),
    "notice_version": _("Notice version"), "actor_kind": _("Who"), "joined_at": _("Since"),
    "granted_at": _("Shared since"), "confirmed_special_at": _("Health data confirmed"),
    "seq": _("Entry"), "actor_role": _("Role"), "items": _("Items"), "ticket": _("Ticket"),
    "via": _("Via"), "reward": _("Reward"),
}  # fmt: skip


KIND_LABELS: dict[str, Any] = {
    "subject": _("Your pseudonymous id"),
    "login": _("Login"),
    "login_email_address": _("Login e-mail address"),
    "two_step_verification": _("Two-step verification"),
    "access_token": _("Access token"),
}


@dataclass
class SectionView:
    section: Section
    count: int
    about: list[dict[str, Any]]
    columns: list[str]
    rows: list[list[Any]]
    # Rows of different shapes (the account's login, addresses, tokens) read better as
    # one small record each than as a sparse table.
    as_records: bool = False

    @property
    def headings(self) -> list[Any]:
        return [COLUMN_LABELS.get(column, column) for column in self.columns]

    @property
    def cells(self) -> list[list[tuple[Any, Any]]]:
        return [list(zip(self.headings, row, strict=True)) for row in self.rows]

    @property
    def records(self) -> list[list[tuple[Any, Any]]]:
        return [[(h, v) for h, v in row if v not in (None, "")] for row in self.cells]

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


def _cell(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def _section_view(section: Section, count: int, subject: Any) -> SectionView:
    preview = list(islice(section.rows(subject), PREVIEW_ROWS)) if count else []
    columns: list[str] = []
    for row in preview:
        columns += [key for key in row if key not in columns and key not in _HIDDEN_ON_PAGE]
    # The readable forms stand in for the raw ones.
    for readable, raw in (("label", "item"), ("display", "value")):
        if readable in columns and raw in columns:
            columns.remove(raw)
    rows = [
        [
            KIND_LABELS.get(str(row.get(column)), row.get(column))
            if column == "kind"
            else _cell(row.get(column))
            for column in columns
        ]
        for row in preview
    ]
    shapes = {frozenset(row) for row in preview}
    about = [item_about(catalogue.BY_KEY[key]) for key in section.items]
    return SectionView(section, count, about, columns, rows, as_records=len(shapes) > 1)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required lets only signed-in users here
        raise PermissionDenied
    return user


@login_required
def export_page(request: HttpRequest) -> HttpResponse:
    """Everything the register holds about the person, readable, with the download."""
    subject = subject_of(_user(request))
    views = [_section_view(s, count, subject) for s, count in section_counts(subject)]
    return render(request, "privacy/export.html", {"sections": views})


def export_response(stream: Any) -> StreamingHttpResponse:
    """The streamed JSON document as a download."""
    response = StreamingHttpResponse(stream, content_type="application/json; charset=utf-8")
    name = f"kliento-export-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_download(request: HttpRequest) -> StreamingHttpResponse:
    user = _user(request)
    subject = subject_of(user)
    return export_response(services.export_open(subject=subject, actor=Actor.person(user, request)))


@login_required
def cancel(request: HttpRequest) -> HttpResponse:
    """Cancel the account after the password is entered again."""
    user = _user(request)
    subject = subject_of(user)
    form = CancelAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_cancel(subject=subject, actor=Actor.person(user, request))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            logout(request)
            return render(request, "privacy/cancelled.html")
    counts = {section.name: count for section, count in section_counts(subject)}
    return render(request, "privacy/cancel.html", {"form": form, "counts": counts})
