""" "Who has seen my data": every access to the person's data by anyone but themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kliento.accounts.roles import StaffRole
from kliento.audit import selectors as audit
from kliento.audit.labels import ACTOR_KIND_LABELS, action_label
from kliento.audit.models import ActorKind, AuditEntry
from kliento.merchants.models import Membership, Merchant, Premises
from kliento.privacy.forms import AccessFilterForm
from kliento.register import catalogue
from kliento.register.views import signed_in_subject

PAGE_SIZE = 25

STAFF_ROLE_LABELS = dict(StaffRole.choices)
SYSTEM_LABELS: dict[str, Promise] = {
    "register": _("Kliento register"),
    "export": _("Data export"),
    "retention": _("Automatic deletion of old data"),
}
MERCHANT_ROLE_LABELS = dict(Membership.Role.choices)


@dataclass(frozen=True)
class Access:
    """One audit entry in the person's words."""

    entry: AuditEntry
    kind_label: Any
    who: str
    what: Any
    items: list[str]


def _names(entries: list[AuditEntry]) -> tuple[dict[str, str], dict[str, str]]:
    """Merchant and premises names for the entries' contexts (two queries at most)."""
    merchant_ids = {e.context.get("merchant") for e in entries} - {None}
    premises_ids = {e.context.get("premises") for e in entries} - {None}
    merchants = {
        str(public_id): name
        for public_id, name in Merchant.objects.filter(public_id__in=merchant_ids).values_list(
            "public_id", "name"
        )
    }
    premises = {
        str(public_id): name
        for public_id, name in Premises.objects.filter(public_id__in=premises_ids).values_list(
            "public_id", "name"
        )
    }
    return merchants, premises


def _who(entry: AuditEntry, merchants: dict[str, str], premises: dict[str, str]) -> str:
    merchant = merchants.get(str(entry.context.get("merchant")), "")
    place = premises.get(str(entry.context.get("premises")), "")
    if entry.actor_kind == ActorKind.STAFF:
        return str(STAFF_ROLE_LABELS.get(entry.actor_role, _("Kliento staff")))
    if entry.actor_kind == ActorKind.MERCHANT_STAFF:
        role = MERCHANT_ROLE_LABELS.get(entry.actor_role, _("Staff"))
        return f"{merchant or _('A merchant')}: {role}"
    if entry.actor_kind == ActorKind.TERMINAL and entry.actor_role == "integration":
        return str(_("An integration of %(merchant)s") % {"merchant": merchant or _("a merchant")})
    if entry.actor_kind == ActorKind.TERMINAL:
        where = f"{merchant}, {place}" if place else merchant
        return str(_("Terminal at %(place)s") % {"place": where or _("a merchant")})
    return str(SYSTEM_LABELS.get(entry.actor_id, entry.actor_id))


def _access(entry: AuditEntry, merchants: dict[str, str], premises: dict[str, str]) -> Access:
    items = [
        str(catalogue.BY_KEY[key].label) if key in catalogue.BY_KEY else key for key in entry.items
    ]
    return Access(
        entry=entry,
        kind_label=ACTOR_KIND_LABELS.get(entry.actor_kind, entry.actor_kind),
        who=_who(entry, merchants, premises),
        what=action_label(entry.action),
        items=items,
    )


@require_http_methods(["GET"])
@login_required
def accesses(request: HttpRequest) -> HttpResponse:
    """Every access to the person's data by anyone but them, newest first, filterable."""
    subject, _actor = signed_in_subject(request)
    form = AccessFilterForm(request.GET or None)
    entries = audit.accesses_by_others(subject=subject)
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            entries = audit.entries_filtered(
                entries,
                actor_kinds=[data["kind"]] if data["kind"] else [],
                since=data["since"],
                until=data["until"],
            )
        else:
            entries = entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    merchants, premises = _names(listed)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "register/accesses.html",
        {
            "form": form,
            "page": page,
            "accesses": [_access(entry, merchants, premises) for entry in listed],
            "query": query.urlencode(),
        },
    )
