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
from django.utils import timezone
from django.utils.functional import Promise
from django.views.decorators.http import require_http_methods

from kliento.accounts.roles import StaffRole
from kliento.audit import selectors as audit
from kliento.audit.labels import ACTOR_KIND_LABELS
from kliento.backoffice.forms import AuditFilterForm, OpenProfileForm, PersonSearchForm
from kliento.backoffice.forms_person import LedgerCorrectionForm, ReasonForm
from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.person_view import person_overview
from kliento.backoffice.search import people_search
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error
from kliento.merchants.models import Membership
from kliento.register import catalogue, services
from kliento.register.catalogue import Category, Item
from kliento.register.models import Subject
from kliento.register.views import shown
from kliento.sharing.selectors import merchants_of_person

# Roles in order of preference: a user holding both acts in the first.
PROFILE_ROLES = (StaffRole.PRIVACY_OFFICER, StaffRole.CUSTOMER_SERVICE)
AUDIT_ROLES = (StaffRole.AUDITOR, StaffRole.PRIVACY_OFFICER)
# Who may act for a person from the person view (block, unblock, change code, correct).
ACTION_ROLES = (StaffRole.CUSTOMER_SERVICE,)
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
    """Search by one exact value of any kind. POST, so the value never lands in a URL or
    a log."""
    found: list[Subject] | None = None
    if request.method == "POST":
        form = PersonSearchForm(request.POST)
        if form.is_valid():
            try:
                found = people_search(
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


def person_or_404(subject_id: UUID) -> Subject:
    """The person a back-office page is about, with their login; 404 once erased."""
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


# After an opening, the reason is kept in the session for a while, so that coming back
# from an action shows the profile again (recorded again, with the same reason).
OPENING_SECONDS = 15 * 60


def _opening_key(subject: Subject) -> str:
    return f"staff.opening.{subject.public_id}"


def _opening(request: HttpRequest, subject: Subject) -> tuple[str, str, str] | None:
    """The (purpose, ticket, stated purpose) of this staff member's recent opening."""
    kept = request.session.get(_opening_key(subject))
    if not isinstance(kept, dict) or kept.get("until", 0) < timezone.now().timestamp():
        return None
    return str(kept["purpose"]), str(kept["ticket"]), str(kept["stated"])


def _show_profile(
    request: HttpRequest,
    staff: Staff,
    subject: Subject,
    context: dict[str, Any],
    *,
    purpose: str,
    ticket: str,
    stated: str,
) -> HttpResponse:
    items = context["items"]
    try:
        stored = services.profile_read(
            subject=subject,
            actor=staff.actor,
            purpose=stated,
            ticket=ticket,
            items=[item.key for item in items] + list(RELATIONSHIP_ITEMS),
        )
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404 from error
        raise
    request.session[_opening_key(subject)] = {
        "purpose": purpose,
        "ticket": ticket,
        "stated": stated,
        "until": timezone.now().timestamp() + OPENING_SECONDS,
    }
    overview = person_overview(subject)
    return render(
        request,
        "staff/person_profile.html",
        {
            **context,
            **overview,
            "purpose": purpose,
            "ticket": ticket,
            "login_email": subject.user.email if subject.user else "",
            "sections": _sections(items, stored),
            "cards": [(row.card, row.masked) for row in overview["card_rows"]],
            # joined or visited with one of their cards: either makes them a customer
            "customer_of": list(merchants_of_person(subject=subject)),
            "sees_health": any(item.special_category for item in items),
            "can_act": staff.holds(*ACTION_ROLES),
            "action_form": ReasonForm(),
            "correction_form": LedgerCorrectionForm(
                programs=[s.program for panel in overview["panels"] for s in panel.programs]
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view(*PROFILE_ROLES)
def person_open(request: HttpRequest, staff: Staff, subject_id: UUID) -> HttpResponse:
    """Ask for the reason; with one, record the opening and show what the role may see.

    Every successful POST is one audit entry: reloading the page opens it again. A GET
    soon after an opening (back from an action) shows the profile again and records it
    again, with the reason given at the opening.
    """
    subject = person_or_404(subject_id)
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
            return _show_profile(
                request, staff, subject, context,
                purpose=form.cleaned_data["purpose"], ticket=form.cleaned_data["ticket"],
                stated=form.stated_purpose,
            )  # fmt: skip
    else:
        kept = _opening(request, subject)
        if kept is not None:
            purpose, ticket, stated = kept
            return _show_profile(
                request, staff, subject, context, purpose=purpose, ticket=ticket, stated=stated
            )
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
