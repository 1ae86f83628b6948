"""Customer service's actions from the person view: block and unblock a card, send a
card change code, correct a balance. Each needs a reason, is audited with it by the
owning app's service, and the person sees it in their Activity.

A POST that succeeds goes back to the person view (which shows the profile again while
the opening is recent); a refused one shows this action's page with the error next to
the field, and nothing is written.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kliento.backoffice.forms_person import LedgerCorrectionForm, ReasonForm
from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.person_view import card_row_of
from kliento.backoffice.views.people import ACTION_ROLES, person_or_404, staff_nav
from kliento.cards import services as cards
from kliento.cards.selectors import CardRow
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.register.models import Subject
from kliento.visits import corrections, loyalty


def _row(subject: Subject, card_id: UUID) -> CardRow:
    try:
        return card_row_of(subject, card_id)
    except DomainError as error:
        raise Http404 from error


def _page(
    request: HttpRequest, staff: Staff, subject: Subject, form: forms.Form, **context: Any
) -> HttpResponse:
    return render(
        request,
        "staff/person_action.html",
        {"subject": subject, "form": form, **staff_nav(staff), **context},
    )


def _back(subject: Subject) -> HttpResponse:
    return redirect("staff:person_open", subject.public_id)


@require_http_methods(["GET", "POST"])
@staff_view(*ACTION_ROLES)
def card_block(request: HttpRequest, staff: Staff, subject_id: UUID, card_id: UUID) -> HttpResponse:
    """Block one of the person's cards with a reason."""
    subject = person_or_404(subject_id)
    row = _row(subject, card_id)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cards.card_block(card=row.card, actor=staff.actor, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error, "reason")
        else:
            messages.success(
                request, _("Card %(card)s is blocked. It no longer checks in anywhere.")
                % {"card": row.masked},
            )  # fmt: skip
            return _back(subject)
    return _page(
        request, staff, subject, form,
        title=_("Block card %(card)s") % {"card": row.masked}, button=_("Block the card"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_view(*ACTION_ROLES)
def card_unblock(
    request: HttpRequest, staff: Staff, subject_id: UUID, card_id: UUID
) -> HttpResponse:
    """Take one of the person's blocked cards back into use, with a reason."""
    subject = person_or_404(subject_id)
    row = _row(subject, card_id)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cards.card_unblock(card=row.card, actor=staff.actor, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error, "reason")
        else:
            messages.success(request, _("Card %(card)s is active again.") % {"card": row.masked})
            return _back(subject)
    return _page(
        request, staff, subject, form,
        title=_("Unblock card %(card)s") % {"card": row.masked}, button=_("Unblock the card"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_view(*ACTION_ROLES)
def change_code_send(request: HttpRequest, staff: Staff, subject_id: UUID) -> HttpResponse:
    """E-mail a new card number and its change code to the person's verified login
    address; the code is never shown here."""
    subject = person_or_404(subject_id)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cards.card_change_code_send(
                subject=subject, actor=staff.actor, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error, "reason")
        else:
            messages.success(
                request,
                _("A card change code is on its way to the person's login e-mail address."),
            )
            return _back(subject)
    return _page(
        request, staff, subject, form,
        title=_("Send a card change code"), button=_("Send the code by e-mail"),
        lead=_("A new card number and its change code go to the person's verified login "
               "e-mail address. They are not shown to you."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_view(*ACTION_ROLES)
def ledger_correct(request: HttpRequest, staff: Staff, subject_id: UUID) -> HttpResponse:
    """Correct a balance with a compensating ledger entry."""
    subject = person_or_404(subject_id)
    programs = [s.program for s in loyalty.person_loyalty(subject=subject, entries_limit=0)]
    form = LedgerCorrectionForm(
        request.POST if request.method == "POST" else None, programs=programs
    )
    if request.method == "POST" and form.is_valid():
        program = form.chosen_program
        card = corrections.correction_card(subject=subject, program=program)
        if card is None:
            form.add_error(None, _("The person holds no card to carry the correction."))
            return _page(request, staff, subject, form, title=_("Correct a balance"),
                         button=_("Save the correction"))  # fmt: skip
        try:
            corrections.ledger_correct(
                card=card, program=program, points=form.cleaned_data["points"],
                stamps=form.cleaned_data["stamps"], reason=form.cleaned_data["reason"],
                actor=staff.actor,
            )  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error, "points")
        else:
            messages.success(
                request, _("The balance of %(program)s is corrected.") % {"program": program.name}
            )
            return _back(subject)
    return _page(
        request, staff, subject, form,
        title=_("Correct a balance"), button=_("Save the correction"),
        lead=_("The correction is a new entry in the ledger; earlier entries stay as they are."),
    )  # fmt: skip
