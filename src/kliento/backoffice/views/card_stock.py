"""Card stock in the back-office: batches of Kliento cards for printing (customer service
and administrators) and card issuers (administrators). Views parse, call the card
services and render; the printable downloads are audited reads."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kliento.accounts.roles import StaffRole
from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.views.people import staff_nav
from kliento.cards import batches, issuers, printing, stock_selectors
from kliento.cards.models import CardBatch, CardIssuer
from kliento.cards.stock_forms import BatchIssueForm, BatchVoidForm, IssuerForm
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error

STOCK_ROLES = (StaffRole.CUSTOMER_SERVICE, StaffRole.ADMINISTRATOR)
ISSUER_ROLES = (StaffRole.ADMINISTRATOR,)


def _batch(batch_id: UUID) -> CardBatch:
    try:
        return stock_selectors.batch_get(batch_id=batch_id)
    except DomainError as error:
        raise Http404 from error


def _issuer(issuer_id: UUID) -> CardIssuer:
    try:
        return stock_selectors.issuer_get(issuer_id=issuer_id)
    except DomainError as error:
        raise Http404 from error


@require_GET
@staff_view(*STOCK_ROLES)
def batch_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Every batch with its state and how many of its cards are registered."""
    return render(
        request,
        "staff/card_batches.html",
        {"batches": list(stock_selectors.batches_all()), **staff_nav(staff)},
    )


@require_http_methods(["GET", "POST"])
@staff_view(*STOCK_ROLES)
def batch_issue(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Issue a batch of card numbers; the detail page then offers the printable files."""
    form = BatchIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batches.batch_issue(
                size=form.cleaned_data["size"],
                note=form.cleaned_data["note"],
                actor=staff.actor,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("A batch of %(size)s cards is issued. Download the files for printing.")
                % {"size": batch.size},
            )
            return redirect("staff_card_stock:batch", batch_id=batch.public_id)
    status = 422 if form.errors else 200
    return render(
        request, "staff/card_batch_issue.html", {"form": form, **staff_nav(staff)}, status=status
    )


def _detail(
    request: HttpRequest, staff: Staff, batch: CardBatch, void_form: BatchVoidForm, status: int
) -> HttpResponse:
    return render(
        request,
        "staff/card_batch_detail.html",
        {
            "batch": batch,
            "void_form": void_form,
            "sheets": printing.sheet_count(batch.size),
            "per_sheet": printing.PER_SHEET,
            "printable": batch.state == CardBatch.State.CREATED,
            "created_by_role": next(
                (role for role in StaffRole if role.value == batch.created_by_role), None
            ),
            **staff_nav(staff),
        },
        status=status,
    )


@require_GET
@staff_view(*STOCK_ROLES)
def batch_detail(request: HttpRequest, staff: Staff, batch_id: UUID) -> HttpResponse:
    """One batch: its state and counts, the printable files while it is being printed,
    and activation and voiding."""
    return _detail(request, staff, _batch(batch_id), BatchVoidForm(), 200)


def _refused(request: HttpRequest, error: DomainError, batch_id: UUID) -> HttpResponse:
    messages.error(request, str(error.message))
    return redirect("staff_card_stock:batch", batch_id=batch_id)


@require_POST
@staff_view(*STOCK_ROLES)
def batch_activate(request: HttpRequest, staff: Staff, batch_id: UUID) -> HttpResponse:
    """Activate the batch: its cards work, and its codes can never be printed again."""
    batch = _batch(batch_id)
    try:
        batches.batch_activate(batch=batch, actor=staff.actor)
    except DomainError as error:
        return _refused(request, error, batch_id)
    messages.success(request, _("The batch is active: its cards can be used and registered."))
    return redirect("staff_card_stock:batch", batch_id=batch_id)


@require_POST
@staff_view(*STOCK_ROLES)
def batch_void(request: HttpRequest, staff: Staff, batch_id: UUID) -> HttpResponse:
    """Void the batch with a reason: its cards nobody registered stop working."""
    batch = _batch(batch_id)
    form = BatchVoidForm(request.POST)
    if form.is_valid():
        try:
            batches.batch_void(batch=batch, reason=form.cleaned_data["reason"], actor=staff.actor)
        except DomainError as error:
            if "field" not in error.details:
                return _refused(request, error, batch_id)
            add_domain_error(form, error)
        else:
            messages.success(request, _("The batch is voided."))
            return redirect("staff_card_stock:batch", batch_id=batch_id)
    return _detail(request, staff, batch, form, 422)


def _download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@never_cache
@staff_view(*STOCK_ROLES)
def batch_csv(request: HttpRequest, staff: Staff, batch_id: UUID) -> HttpResponse:
    """The CSV for the card printer: number, formatted number and registration code."""
    batch = _batch(batch_id)
    try:
        cards = batches.batch_print(batch=batch, actor=staff.actor, kind="csv")
    except DomainError as error:
        return _refused(request, error, batch_id)
    return _download(
        printing.batch_csv(cards), "text/csv; charset=utf-8", f"kliento-cards-{batch_id}.csv"
    )


@require_GET
@never_cache
@staff_view(*STOCK_ROLES)
def batch_sheet(request: HttpRequest, staff: Staff, batch_id: UUID) -> HttpResponse:
    """One A4 sheet of leaflets (``?sheet=N``, from 1) as SVG."""
    batch = _batch(batch_id)
    sheets = printing.sheet_count(batch.size)
    try:
        sheet = int(request.GET.get("sheet", "1"))
    except ValueError:
        raise Http404 from None
    if not 1 <= sheet <= sheets:
        raise Http404
    try:
        cards = batches.batch_print(
            batch=batch,
            actor=staff.actor,
            kind="sheet",
            first=(sheet - 1) * printing.PER_SHEET + 1,
            count=printing.PER_SHEET,
        )
    except DomainError as error:
        return _refused(request, error, batch_id)
    title = _("Kliento cards, sheet %(sheet)s of %(sheets)s") % {"sheet": sheet, "sheets": sheets}
    return _download(
        printing.batch_sheet(cards, title=title),
        "image/svg+xml; charset=utf-8",
        f"kliento-cards-{batch_id}-{sheet}.svg",
    )


# --- card issuers ------------------------------------------------------------------------


@require_GET
@staff_view(*ISSUER_ROLES)
def issuer_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Every card issuer with its kind and number of cards."""
    return render(
        request,
        "staff/card_issuers.html",
        {"issuers": list(stock_selectors.issuers_all()), **staff_nav(staff)},
    )


@require_http_methods(["GET", "POST"])
@staff_view(*ISSUER_ROLES)
def issuer_create(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Add a card issuer."""
    form = IssuerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issuers.issuer_create(
                name=form.cleaned_data["name"], kind=form.cleaned_data["kind"], actor=staff.actor
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The card issuer is added."))
            return redirect("staff_card_stock:issuers")
    return render(
        request,
        "staff/card_issuer_form.html",
        {"form": form, "issuer": None, **staff_nav(staff)},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_view(*ISSUER_ROLES)
def issuer_edit(request: HttpRequest, staff: Staff, issuer_id: UUID) -> HttpResponse:
    """Rename a card issuer or change its kind."""
    issuer = _issuer(issuer_id)
    form = IssuerForm(request.POST or None, initial={"name": issuer.name, "kind": issuer.kind})
    if issuer.kind == CardIssuer.Kind.KLIENTO:
        # Kliento's own issuer keeps its kind: only its name is edited.
        form.fields["kind"].choices = [(issuer.kind, issuer.get_kind_display())]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            issuers.issuer_update(
                issuer=issuer,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                actor=staff.actor,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The card issuer is saved."))
            return redirect("staff_card_stock:issuers")
    return render(
        request,
        "staff/card_issuer_form.html",
        {"form": form, "issuer": issuer, **staff_nav(staff)},
        status=422 if form.errors else 200,
    )
