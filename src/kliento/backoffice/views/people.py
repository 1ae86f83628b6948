"""The back-office under /staff/: find a person, open their profile with a stated reason,
and read the audit log.

Customer service and the privacy officer find people by one exact value through the
blind indexes (never by a part of a value); opening a profile needs a reason and is
recorded by ``profile_read`` before anything is shown. Customer service sees contact
and relationship data; only the privacy officer sees health data. The auditor (and the
privacy officer) read the audit log. StaffMfaMiddleware has already demanded MFA.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.views.decorators.http import require_http_methods

from kliento.accounts.roles import StaffRole
from kliento.audit import selectors as audit
from kliento.audit.labels import ACTOR_KIND_LABELS
from kliento.backoffice.forms import AuditFilterForm, OpenProfileForm, PersonSearchForm
from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.search import people_search
from kliento.cards.models import Card
from kliento.cards.services import card_masked
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error
from kliento.merchants.models import Membership
from kliento.register import catalogue, services
from kliento.register.catalogue import Category, Item
from kliento.register.models import Subject
from kliento.register.views import shown
from kliento.sharing.models import Relationship

# Roles in order of preference: a user holding both acts in the first.
PROFILE_ROLES = (StaffRole.PRIVACY_OFFICER, StaffRole.CUSTOMER_SERVICE)
AUDIT_ROLES = (StaffRole.AUDITOR, StaffRole.PRIVACY_OFFICER)
CUSTOMER_SERVICE_CATEGORIES = frozenset(
    {Category.CONTACT, Category.REGISTRATION, Category.RELATIONSHIP}
)
# Shown beside the profile values and recorded in the same audit entry.
RELATIONSHIP_ITEMS = ("login_email", "card_identifiers", "sharing")
AUDIT_PAGE_SIZE = 50
ROLE_LABELS: dict[str, Any] = {**dict(Membership.Role.choices), **dict(StaffRole.choices)}


def staff_nav(staff: Staff) -> dict[str, bool]:
    """Which of the shared back-office links (search, audit log, team) the user may follow."""
    return {
        "can_search": staff.holds(*PROFILE_ROLES),
        "can_audit": staff.holds(*AUDIT_ROLES),
        "can_team": staff.holds(StaffRole.ADMINISTRATOR),
    }


def items_for(role: StaffRole) -> list[Item]:
    """The profile items a role may see: everything for the privacy officer; contact and
    relationship data without any special-category item for customer service."""
    if role == StaffRole.PRIVACY_OFFICER:
        return list(catalogue.PROFILE_ITEMS)
    return [
        item
        for item in catalogue.PROFILE_ITEMS
        if item.category in CUSTOMER_SERVICE_CATEGORIES and not item.special_category
    ]


@require_http_methods(["GET", "POST"])
@staff_view(*PROFILE_ROLES)
def person_search(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Search by one exact value. POST, so the value never lands in a URL or a log."""
    found: list[Subject] | None = None
    if request.method == "POST":
        form = PersonSearchForm(request.POST)
        if form.is_valid():
            try:
                found = people_search(
                    kind=form.cleaned_data["kind"],
                    value=form.cleaned_data["value"],
                    actor=staff.actor,
                )
            except DomainError as error:
                add_domain_error(form, error, "value")
    else:
        form = PersonSearchForm()
    return render(
        request,
        "staff/person_search.html",
        {"form": form, "found": found, "open_form": OpenProfileForm(), **staff_nav(staff)},
    )


@dataclass
class StaffRow:
    item: Item
    entries: list[str]


@dataclass
class StaffSection:
    label: Promise
    rows: list[StaffRow] = field(default_factory=list)


def _subject(subject_id: UUID) -> Subject:
    subject = (
        Subject.objects.filter(public_id=subject_id, erased_at__isnull=True)
        .select_related("user")
        .first()
    )
    if subject is None:
        raise Http404
    return subject


def _sections(items: list[Item], stored: dict[str, list[services.Value]]) -> list[StaffSection]:
    sections: dict[Category, StaffSection] = {}
    for item in items:
        section = sections.setdefault(
            item.category, StaffSection(catalogue.CATEGORY_LABELS[item.category])
        )
        section.rows.append(
            StaffRow(item, [shown(item, value) for value in stored.get(item.key, [])])
        )
    order = list(catalogue.CATEGORY_LABELS)
    return [sections[c] for c in sorted(sections, key=order.index)]


@require_http_methods(["GET", "POST"])
@staff_view(*PROFILE_ROLES)
def person_open(request: HttpRequest, staff: Staff, subject_id: UUID) -> HttpResponse:
    """Ask for the reason; with one, record the opening and show what the role may see.

    Every successful POST is one audit entry: reloading the page opens it again.
    """
    subject = _subject(subject_id)
    items = items_for(staff.role)
    context: dict[str, Any] = {
        "subject": subject,
        "role": staff.role,
        "items": items,
        **staff_nav(staff),
    }
    if request.method == "POST":
        form = OpenProfileForm(request.POST)
        if form.is_valid():
            try:
                stored = services.profile_read(
                    subject=subject,
                    actor=staff.actor,
                    purpose=form.stated_purpose,
                    ticket=form.cleaned_data["ticket"],
                    items=[item.key for item in items] + list(RELATIONSHIP_ITEMS),
                )
            except DomainError as error:
                if error.code == ErrorCode.NOT_FOUND:
                    raise Http404 from error
                raise
            cards = list(Card.objects.filter(holder=subject).order_by("status", "-pk"))
            return render(
                request,
                "staff/person_profile.html",
                {
                    **context,
                    "purpose": form.cleaned_data["purpose"],
                    "ticket": form.cleaned_data["ticket"],
                    "login_email": subject.user.email if subject.user else "",
                    "sections": _sections(items, stored),
                    "cards": [(card, card_masked(card)) for card in cards],
                    "relationships": Relationship.objects.filter(subject=subject)
                    .select_related("merchant")
                    .order_by("-joined_at"),
                    "sees_health": any(item.special_category for item in items),
                },
            )
    else:
        form = OpenProfileForm()
    return render(request, "staff/person_open.html", {**context, "form": form})


@require_http_methods(["GET"])
@staff_view(*AUDIT_ROLES)
def audit_log(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The audit log, newest first, filtered by person, actor and dates, 50 a page."""
    form = AuditFilterForm(request.GET or None)
    entries = audit.audit_log()
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            entries = audit.entries_filtered(
                entries,
                subject_id=data["subject"],
                actor_kinds=[data["actor_kind"]] if data["actor_kind"] else [],
                actor_id=data["actor"].strip(),
                since=data["since"],
                until=data["until"],
            )
        else:
            entries = entries.none()
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/audit_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "rows": [
                (
                    e,
                    ACTOR_KIND_LABELS.get(e.actor_kind, e.actor_kind),
                    ROLE_LABELS.get(e.actor_role, e.actor_role),
                )
                for e in page
            ],
            **staff_nav(staff),
        },
    )
