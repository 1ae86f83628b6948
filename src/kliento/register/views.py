"""The person's profile pages: see, add, correct and delete every profile item.

Views only parse, call the register's services and render; every write is
POST-redirect-GET with a message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.accounts.models import User
from kliento.audit.actors import Actor
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error
from kliento.register import catalogue, services
from kliento.register.catalogue import Category, Item, ValueKind
from kliento.register.consents import has_consent
from kliento.register.forms import ProfileValueForm
from kliento.register.models import Subject
from kliento.register.services import HEALTH_CONSENT_PURPOSE, Value


def shown(item: Item, value: Value) -> str:
    """A value as the person reads it: dates in the active language's format."""
    if item.kind == ValueKind.DATE:
        return formats.date_format(dt.date.fromisoformat(value.value), "SHORT_DATE_FORMAT")
    return value.display


@dataclass
class ItemRow:
    item: Item
    values: list[Value]

    @property
    def entries(self) -> list[tuple[Value, str]]:
        return [(value, shown(self.item, value)) for value in self.values]

    @property
    def can_add(self) -> bool:
        return self.item.multiple or not self.values


@dataclass
class Section:
    category: Category
    label: Promise
    rows: list[ItemRow] = field(default_factory=list)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required lets only signed-in users here
        raise PermissionDenied
    return user


def signed_in_subject(request: HttpRequest) -> tuple[Subject, Actor]:
    """The signed-in person's register entry and the actor they act as on their own data."""
    user = _user(request)
    return services.subject_of(user), Actor.person(user, request)


def _profile_item(item_key: str) -> Item:
    item = catalogue.BY_KEY.get(item_key)
    if item is None or not item.in_profile:
        raise Http404
    return item


def _own_value(subject: Subject, actor: Actor, value_id: UUID) -> Value:
    profile = services.profile_read(subject=subject, actor=actor, purpose="")
    for values in profile.values():
        for value in values:
            if value.id == value_id:
                return value
    raise Http404


def _back_to(item: Item) -> str:
    return f"{reverse('register:profile')}#item-{item.key}"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Every profile item of the catalogue, grouped by category."""
    subject, actor = signed_in_subject(request)
    stored = services.profile_read(subject=subject, actor=actor, purpose="")
    sections: dict[Category, Section] = {
        category: Section(category, label) for category, label in catalogue.CATEGORY_LABELS.items()
    }
    for item in catalogue.PROFILE_ITEMS:
        sections[item.category].rows.append(ItemRow(item, stored.get(item.key, [])))
    return render(
        request,
        "register/profile.html",
        {
            "sections": [
                s for s in sections.values() if s.rows or s.category == Category.REGISTRATION
            ],
            "health_consent": has_consent(subject=subject, purpose=HEALTH_CONSENT_PURPOSE),
        },
    )


def _save(
    request: HttpRequest, item: Item, form: ProfileValueForm, value_id: UUID | None
) -> HttpResponse | None:
    """Store a valid form's value; None when the service refused it (form has the error)."""
    subject, actor = signed_in_subject(request)
    try:
        if value_id is None:
            services.profile_value_set(
                subject=subject, item_key=item.key, value=form.value, actor=actor
            )
        else:
            services.profile_value_update(
                subject=subject, value_id=value_id, value=form.value, actor=actor
            )
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404 from error
        if error.code == ErrorCode.PERMISSION_DENIED:
            messages.error(request, str(error.message))
            return redirect("consent:health")
        add_domain_error(form, error)
        return None
    messages.success(request, _("Saved: %(item)s.") % {"item": item.label})
    return redirect(_back_to(item))


@login_required
def value_add(request: HttpRequest, item_key: str) -> HttpResponse:
    """Add a value (or set a single-valued item)."""
    item = _profile_item(item_key)
    if request.method == "POST":
        form = ProfileValueForm(request.POST, item=item)
        if form.is_valid():
            response = _save(request, item, form, None)
            if response is not None:
                return response
    else:
        form = ProfileValueForm(item=item)
    return render(request, "register/value_form.html", {"form": form, "item": item, "add": True})


@login_required
def value_edit(request: HttpRequest, value_id: UUID) -> HttpResponse:
    """Correct one of the person's own values; anyone else's is a 404."""
    subject, actor = signed_in_subject(request)
    current = _own_value(subject, actor, value_id)
    item = catalogue.BY_KEY[current.item]
    if request.method == "POST":
        form = ProfileValueForm(request.POST, item=item)
        if form.is_valid():
            response = _save(request, item, form, value_id)
            if response is not None:
                return response
    else:
        form = ProfileValueForm(
            item=item, initial=ProfileValueForm.initial_for(item, current.value)
        )
    return render(
        request,
        "register/value_form.html",
        {"form": form, "item": item, "add": False, "value": current},
    )


@require_POST
@login_required
def value_delete(request: HttpRequest, value_id: UUID) -> HttpResponse:
    """Delete one of the person's own values."""
    subject, actor = signed_in_subject(request)
    current = _own_value(subject, actor, value_id)
    item = catalogue.BY_KEY[current.item]
    services.profile_value_delete(subject=subject, value_id=value_id, actor=actor)
    messages.success(request, _("Deleted: %(item)s.") % {"item": item.label})
    return redirect(_back_to(item))


@require_POST
@login_required
def value_make_primary(request: HttpRequest, value_id: UUID) -> HttpResponse:
    """Make one value the primary one of its item."""
    subject, actor = signed_in_subject(request)
    current = _own_value(subject, actor, value_id)
    item = catalogue.BY_KEY[current.item]
    services.profile_value_make_primary(subject=subject, value_id=value_id, actor=actor)
    messages.success(
        request,
        _("Primary value changed: %(item)s, %(value)s.")
        % {"item": item.label, "value": current.display},
    )
    return redirect(_back_to(item))
