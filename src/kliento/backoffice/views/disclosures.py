"""Back-office pages of disclosures: recipients and their webhook secrets, the records of
processing (GDPR art. 30), what was disclosed about one person and the privacy officer's
record of a disclosure made by hand."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kliento.accounts.roles import StaffRole
from kliento.backoffice.guards import Staff, staff_view
from kliento.backoffice.views.people import person_or_404
from kliento.common.errors import DomainError
from kliento.common.forms import add_domain_error
from kliento.disclosures import notice, services
from kliento.disclosures.forms import ManualDisclosureForm, RecipientForm
from kliento.disclosures.models import OutboxMessage, Recipient
from kliento.register import catalogue
from kliento.register.catalogue import LegalBasis, Purpose
from kliento.register.models import Subject

RECIPIENT_ROLES = (StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR)
ROPA_ROLES = (StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR, StaffRole.AUDITOR)
PERSON_ROLES = (StaffRole.PRIVACY_OFFICER, StaffRole.CUSTOMER_SERVICE)


def _recipients_page(
    request: HttpRequest, form: RecipientForm, secret: str | None, created: Recipient | None
) -> HttpResponse:
    waiting = Q(outbox__status=OutboxMessage.Status.PENDING)
    failed = Q(outbox__status=OutboxMessage.Status.FAILED)
    recipients = (
        Recipient.objects.select_related("card_issuer")
        .annotate(waiting=Count("outbox", filter=waiting), failed=Count("outbox", filter=failed))
        .order_by("kind", "name")
    )
    rows = [
        (
            recipient,
            [str(catalogue.BY_KEY[k].label) for k in recipient.items if k in catalogue.BY_KEY],
            [str(notice.PURPOSE_LABELS[Purpose(p)]) for p in recipient.purposes],
        )
        for recipient in recipients
    ]
    response = render(
        request,
        "disclosures/recipients.html",
        {"form": form, "recipients": rows, "secret": secret, "created": created},
    )
    if secret is not None:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_view(*RECIPIENT_ROLES)
def recipient_rotate(request: HttpRequest, staff: Staff, recipient_id: UUID) -> HttpResponse:
    """Give a recipient a new signing secret (the old one stops working at once)."""
    recipient = Recipient.objects.filter(public_id=recipient_id).first()
    if recipient is None:
        raise Http404
    secret = services.recipient_secret_rotate(recipient=recipient, actor=staff.actor)
    return _recipients_page(request, RecipientForm(), secret, recipient)


@require_http_methods(["GET", "POST"])
@staff_view(*RECIPIENT_ROLES)
def recipients(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Registered recipients, and the form to register one; the new secret is shown once."""
    secret: str | None = None
    created: Recipient | None = None
    if request.method == "POST":
        form = RecipientForm(request.POST)
        if form.is_valid():
            try:
                created, secret = services.recipient_create(**form.cleaned_data, actor=staff.actor)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                form = RecipientForm()
    else:
        form = RecipientForm()
    return _recipients_page(request, form, secret, created)


@require_GET
@staff_view(*ROPA_ROLES)
def ropa(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The records of processing activities (GDPR art. 30), generated now."""
    return render(
        request,
        "disclosures/ropa.html",
        {
            "doc": notice.document(),
            "controller": notice.CONTROLLER,
            "security": notice.SECURITY_MEASURES,
            "current": notice.notice_current(),
        },
    )


def _person_page(
    request: HttpRequest,
    staff: Staff,
    subject: Subject,
    form: ManualDisclosureForm | None,
) -> HttpResponse:
    rows = services.disclosures_read(subject=subject, actor=staff.actor)
    if form is None and staff.role == StaffRole.PRIVACY_OFFICER:
        form = ManualDisclosureForm()
    return render(
        request,
        "disclosures/person.html",
        {"subject": subject, "form": form, "rows": [
            (row, catalogue.BY_KEY[row.item].label if row.item in catalogue.BY_KEY else row.item,
             notice.PURPOSE_LABELS.get(Purpose(row.purpose), row.purpose),
             notice.BASIS_LABELS.get(LegalBasis(row.legal_basis), row.legal_basis))
            for row in rows
        ]},
    )  # fmt: skip


@require_GET
@staff_view(*PERSON_ROLES)
def person_disclosures(request: HttpRequest, staff: Staff, subject_id: UUID) -> HttpResponse:
    """What was disclosed about one person, to whom and on what basis (the read is
    recorded and shown to the person); the privacy officer also sees the form to record
    a disclosure made by hand."""
    return _person_page(request, staff, person_or_404(subject_id), None)


@require_POST
@staff_view(StaffRole.PRIVACY_OFFICER)
def person_disclosure_record(request: HttpRequest, staff: Staff, subject_id: UUID) -> HttpResponse:
    """Record a disclosure made outside the service (for example to an authority)."""
    subject = person_or_404(subject_id)
    form = ManualDisclosureForm(request.POST)
    if form.is_valid():
        try:
            services.disclosure_record_manual(
                subject=subject, recipient=form.cleaned_data["recipient"],
                items=form.cleaned_data["items"], legal_basis=form.cleaned_data["legal_basis"],
                purpose=form.cleaned_data["purpose"], note=form.cleaned_data["note"],
                actor=staff.actor,
            )  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The disclosure has been recorded."))
            return redirect("staff_disclosures:person", subject_id=subject.public_id)
    return _person_page(request, staff, subject, form)
