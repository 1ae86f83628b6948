"""Data subject requests handled by staff: registering, verifying, extending, closing,
fees, restriction and objection.

Every write runs in one transaction with its audit entry and its history event; bad
input raises ``DomainError`` before anything is written. E-mail goes through Django's
mail API, which queues it as a task in the same transaction (config/mail.py).
"""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kliento.accounts.models import User
from kliento.accounts.roles import StaffRole
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.models import ActorKind
from kliento.audit.services import audit_record
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent.models import ConsentEvent
from kliento.consent.services import consent_withdraw
from kliento.dsr.links import FEE_SALT, VERIFY_SALT, link_make, link_open
from kliento.dsr.models import (
    DataSubjectRequest,
    Fee,
    RequestChannel,
    RequestEvent,
    RequestKind,
    RequestStatus,
)
from kliento.privacy.services import account_cancel
from kliento.register.models import ProcessingRestriction, Subject
from kliento.register.selectors import is_restricted

HANDLER_ROLES = frozenset({StaffRole.CUSTOMER_SERVICE, StaffRole.PRIVACY_OFFICER})
FEE_ROLES = frozenset({StaffRole.PRIVACY_OFFICER})
ANSWER_WITHIN_MONTHS = 1  # GDPR art. 12(3): one month of receipt
MAX_EXTENSION_MONTHS = 2
# Every consent purpose that is direct marketing: an objection withdraws them all.
MARKETING_PURPOSES = ("email_marketing", "sms_marketing", "postal_marketing", "partner_marketing")
MAX_FEE_CENTS = 100_00
# Completing one of these on the person's verified request ends their customership.
ERASING_KINDS = frozenset({RequestKind.ERASURE, RequestKind.CANCELLATION})


def _require_role(actor: Actor, roles: frozenset[StaffRole]) -> None:
    require_actor(actor)
    if actor.kind != ActorKind.STAFF or actor.role not in roles:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Your role may not do this."))


def _text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("This field is required."), details={field: "required"}
        )
    if len(value) > max_length:
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("This text is too long."), details={field: "too_long"}
        )
    return value


def _event(request: DataSubjectRequest, *, action: str, actor: Actor, note: str = "") -> None:
    RequestEvent.objects.create(
        request=request,
        status=request.status,
        action=action,
        note=note[:500],
        actor_kind=actor.kind,
        actor_id=actor.id,
    )


def _audit(
    request: DataSubjectRequest, *, action: AuditAction, actor: Actor, **context: Any
) -> None:
    audit_record(
        actor=actor,
        action=action,
        subject_id=request.subject.public_id,
        items=["privacy_requests"],
        context={"request": str(request.public_id), **context},
    )


def _save(request: DataSubjectRequest, *fields: str) -> None:
    request.updated_at = timezone.now()
    request.save(update_fields=[*fields, "updated_at"])


def _mail(request: DataSubjectRequest, *, subject: str, body: str) -> None:
    """Send ``body`` to the person's registered login e-mail address (their language)."""
    user = request.subject.user
    if user is None:
        return
    send_mail(subject, body, None, [user.email])


def _in_language(request: DataSubjectRequest) -> translation.override:
    user = request.subject.user
    return translation.override(user.language if user is not None else "fi")


def _open(request: DataSubjectRequest) -> None:
    if request.is_closed:
        raise DomainError(ErrorCode.REQUEST_ALREADY_CLOSED, _("This request is already closed."))


def _send_verification(request: DataSubjectRequest, *, site: str) -> None:
    token = link_make(salt=VERIFY_SALT, public_id=str(request.public_id))
    link = site.rstrip("/") + reverse("dsr:verify", args=[token])
    with _in_language(request):
        _mail(
            request,
            subject=_("Confirm your request to Kliento"),
            body=_(
                "We received a request about your data: %(kind)s.\n\n"
                "If you made it, confirm it by opening this link within 14 days:\n%(link)s\n\n"
                "If you did not, ignore this message and nothing will happen."
            )
            % {"kind": request.get_kind_display(), "link": link},
        )


@transaction.atomic
def request_create(
    *, login_email: str, kind: str, channel: str, details: str, actor: Actor, site: str = ""
) -> DataSubjectRequest:
    """Register a request on a person's behalf and e-mail them a verification link.

    The person is found by their exact registered login e-mail address; the link goes
    only to that address, so the request is theirs once they open it."""
    _require_role(actor, HANDLER_ROLES)
    if kind not in RequestKind.values:
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("Unknown kind of request."), details={"kind": kind}
        )
    if channel not in RequestChannel.values:
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("Unknown channel."), details={"channel": channel}
        )
    details = _text(details, field="details", max_length=2000, required=False)
    user = User.objects.filter(email__iexact=login_email.strip(), is_active=True).first()
    subject = Subject.objects.filter(user=user, erased_at__isnull=True).first() if user else None
    if subject is None:
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("No account has this login e-mail address."),
            details={"login_email": "unknown"},
        )
    now = timezone.now()
    request = DataSubjectRequest.objects.create(
        subject=subject,
        kind=kind,
        channel=channel,
        details=details,
        received_at=now,
        due_at=add_months(now, ANSWER_WITHIN_MONTHS),
        created_by=actor.id,
    )
    _event(request, action="received", actor=actor)
    _audit(request, action=AuditAction.DSR_REQUEST_CREATE, actor=actor, kind=kind, channel=channel)
    _send_verification(request, site=site)
    return request


@transaction.atomic
def request_verification_resend(
    *, request: DataSubjectRequest, actor: Actor, site: str = ""
) -> None:
    """E-mail a fresh verification link (the old one stays valid until it expires)."""
    _require_role(actor, HANDLER_ROLES)
    _open(request)
    if request.verified_at is not None:
        raise DomainError(
            ErrorCode.REQUEST_ALREADY_VERIFIED, _("This request is already verified.")
        )
    _event(request, action="verification_sent", actor=actor)
    _audit(request, action=AuditAction.DSR_VERIFICATION_RESEND, actor=actor)
    _send_verification(request, site=site)


@transaction.atomic
def request_open(*, request: DataSubjectRequest, actor: Actor) -> DataSubjectRequest:
    """Staff open a request to handle it: recorded like every read of a person's data by
    someone else, so the person sees it among the accesses to their data."""
    _require_role(actor, HANDLER_ROLES)
    items = ["privacy_requests"]
    if request.kind == RequestKind.CAMPAIGNS and request.verified_at is not None:
        items.append("marketing_received")  # the page lists the campaigns to answer from
    audit_record(
        actor=actor,
        action=AuditAction.DSR_REQUEST_READ,
        subject_id=request.subject.public_id,
        items=items,
        context={"request": str(request.public_id)},
    )
    return request


def request_for_link(*, token: str) -> DataSubjectRequest:
    """The request a verification link names (read only: opening the link changes nothing,
    so a mail scanner that follows links cannot verify a request)."""
    public_id = link_open(salt=VERIFY_SALT, token=token)
    request = (
        DataSubjectRequest.objects.filter(public_id=public_id)
        .select_related("subject__user")
        .first()
    )
    if request is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return request


@transaction.atomic
def request_verify(*, token: str) -> DataSubjectRequest:
    """The person confirms the request from the link in their mailbox."""
    request = request_for_link(token=token)
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.verified_at is not None:
        return request
    _open(request)
    user = request.subject.user
    actor = Actor.person(user, via="email") if user else Actor.system("dsr.verify")
    request.verified_at = timezone.now()
    request.status = RequestStatus.VERIFIED
    _save(request, "verified_at", "status")
    _event(request, action="verified", actor=actor)
    _audit(request, action=AuditAction.DSR_REQUEST_VERIFY, actor=actor)
    return request


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months later, or that month's last day when it is
    shorter (31 January + 1 month = 28 or 29 February), as the EU reads "one month"
    (Regulation 1182/71 art. 3(2)(c))."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@transaction.atomic
def request_extend(
    *, request: DataSubjectRequest, months: int, reason: str, actor: Actor
) -> DataSubjectRequest:
    """Extend the due date once, by one or two months (GDPR art. 12(3)), with a recorded
    reason; the person is told why."""
    _require_role(actor, HANDLER_ROLES)
    _open(request)
    if request.extended_at is not None:
        raise DomainError(
            ErrorCode.REQUEST_ALREADY_EXTENDED, _("The due date has already been extended once.")
        )
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("A request can be extended by one or two months."),
            details={"months": months},
        )
    reason = _text(reason, field="reason", max_length=500)
    request.due_at = add_months(request.due_at, months)
    request.extended_at = timezone.now()
    request.extension_reason = reason
    _save(request, "due_at", "extended_at", "extension_reason")
    _event(request, action="extended", actor=actor, note=reason)
    _audit(request, action=AuditAction.DSR_REQUEST_EXTEND, actor=actor, months=months)
    with _in_language(request):
        _mail(
            request,
            subject=_("We need more time for your request"),
            body=_(
                "We need more time to answer your request (%(kind)s). "
                "We will answer by %(due)s.\n\nWhy: %(reason)s"
            )
            % {
                "kind": request.get_kind_display(),
                "due": request.due_at.date().isoformat(),
                "reason": reason,
            },
        )
    return request


@transaction.atomic
def request_close(
    *, request: DataSubjectRequest, status: str, outcome: str, actor: Actor
) -> DataSubjectRequest:
    """Close the request as completed or refused and e-mail the outcome to the person.

    Completing needs a verified request with no fee waiting for the person's answer."""
    _require_role(actor, HANDLER_ROLES)
    _open(request)
    if status not in (RequestStatus.COMPLETED, RequestStatus.REFUSED):
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("Choose completed or refused."),
            details={"status": status},
        )
    outcome = _text(outcome, field="outcome", max_length=4000)
    if status == RequestStatus.COMPLETED:
        if request.verified_at is None:
            raise DomainError(
                ErrorCode.REQUEST_NOT_VERIFIED, _("The person has not verified this request yet.")
            )
        if request.fees.filter(state=Fee.State.PROPOSED).exists():
            raise DomainError(ErrorCode.FEE_PENDING, _("A fee is waiting for the person's answer."))
    request.status = status
    request.outcome = outcome
    request.closed_at = timezone.now()
    _save(request, "status", "outcome", "closed_at")
    _event(request, action="closed", actor=actor)
    _audit(request, action=AuditAction.DSR_REQUEST_CLOSE, actor=actor, status=status)
    with _in_language(request):
        _mail(
            request,
            subject=_("The answer to your request"),
            body=_("Your request (%(kind)s) is %(status)s.\n\n%(outcome)s")
            % {
                "kind": request.get_kind_display(),
                "status": request.get_status_display().lower(),
                "outcome": outcome,
            },
        )
    if status == RequestStatus.COMPLETED and request.kind in ERASING_KINDS:
        # The answer is queued to the login address first; cancelling deletes it.
        account_cancel(subject=request.subject, actor=actor)
    return request


@transaction.atomic
def fee_decide(
    *,
    request: DataSubjectRequest,
    ground: str,
    amount_cents: int,
    reason: str,
    actor: Actor,
    site: str = "",
) -> Fee:
    """The privacy officer decides a fee (GDPR art. 12(5), art. 15(3)) with a written
    reason and an amount; the person sees it through a signed link and must accept it
    before anything is charged. Self-service exports never reach here: they create no
    request, and ``self_service_export_fee`` is always zero."""
    _require_role(actor, FEE_ROLES)
    _open(request)
    if ground not in Fee.Ground.values:
        raise DomainError(
            ErrorCode.VALUE_INVALID, _("Unknown ground for a fee."), details={"ground": ground}
        )
    if ground == Fee.Ground.EXTRA_COPIES and request.kind != RequestKind.ACCESS:
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("A fee for extra copies applies only to an access request."),
            details={"ground": ground},
        )
    if not 0 < amount_cents <= MAX_FEE_CENTS:
        raise DomainError(
            ErrorCode.VALUE_INVALID,
            _("The amount must be more than 0 and at most 100 euros."),
            details={"amount_cents": amount_cents},
        )
    reason = _text(reason, field="reason", max_length=1000)
    if request.verified_at is None:
        raise DomainError(
            ErrorCode.REQUEST_NOT_VERIFIED, _("The person has not verified this request yet.")
        )
    if request.fees.filter(state=Fee.State.PROPOSED).exists():
        raise DomainError(ErrorCode.FEE_PENDING, _("A fee is already waiting for an answer."))
    fee = Fee.objects.create(
        request=request, ground=ground, amount_cents=amount_cents, reason=reason,
        decided_by=actor.id,
    )  # fmt: skip
    request.status = RequestStatus.AWAITING_FEE
    _save(request, "status")
    _event(request, action="fee_decided", actor=actor, note=reason)
    _audit(
        request,
        action=AuditAction.DSR_FEE_DECIDE,
        actor=actor,
        amount_cents=amount_cents,
        ground=ground,
    )
    token = link_make(salt=FEE_SALT, public_id=str(fee.public_id))
    link = site.rstrip("/") + reverse("dsr:fee", args=[token])
    with _in_language(request):
        _mail(
            request,
            subject=_("A fee for your request: your answer is needed"),
            body=_(
                "We have decided that answering your request (%(kind)s) costs "
                "%(amount)s euros.\n\nWhy: %(reason)s\n\nNothing is charged unless you "
                "accept. Accept or decline here:\n%(link)s"
            )
            % {
                "kind": request.get_kind_display(),
                "amount": f"{amount_cents / 100:.2f}",
                "reason": reason,
                "link": link,
            },
        )
    return fee


def self_service_export_fee(*, subject: Subject) -> int:
    """What a person pays for exporting their own data in self-service: nothing, however
    often (GDPR art. 15(3) and art. 12(5): the fee is only for staff-handled excessive
    requests or extra copies, decided by ``fee_decide``)."""
    return 0


def fee_for_link(*, token: str) -> Fee:
    """The fee a signed link names (read only)."""
    public_id = link_open(salt=FEE_SALT, token=token)
    fee = Fee.objects.filter(public_id=public_id).select_related("request__subject__user").first()
    if fee is None:
        raise DomainError(ErrorCode.NOT_FOUND, _("Not found."))
    return fee


@transaction.atomic
def fee_answer(*, token: str, accept: bool) -> Fee:
    """The person accepts or declines a proposed fee; only an accepted fee may be charged."""
    fee = fee_for_link(token=token)
    fee = (
        Fee.objects.select_for_update(of=("self",))
        .select_related("request__subject__user")
        .get(pk=fee.pk)
    )
    if fee.state != Fee.State.PROPOSED:
        raise DomainError(
            ErrorCode.FEE_ALREADY_ANSWERED, _("You have already answered about this fee.")
        )
    request = fee.request
    _open(request)
    user = request.subject.user
    actor = Actor.person(user, via="email") if user else Actor.system("dsr.fee")
    fee.state = Fee.State.ACCEPTED if accept else Fee.State.DECLINED
    fee.answered_at = timezone.now()
    fee.save(update_fields=["state", "answered_at"])
    request.status = (
        RequestStatus.VERIFIED if request.verified_at else RequestStatus.AWAITING_VERIFICATION
    )
    _save(request, "status")
    _event(request, action="fee_accepted" if accept else "fee_declined", actor=actor)
    _audit(request, action=AuditAction.DSR_FEE_ANSWER, actor=actor, accepted=accept)
    return fee


def _verified_open(request: DataSubjectRequest, kind: RequestKind) -> None:
    _open(request)
    if request.kind != kind:
        raise DomainError(
            ErrorCode.REQUEST_KIND_MISMATCH, _("This action does not fit this kind of request.")
        )
    if request.verified_at is None:
        raise DomainError(
            ErrorCode.REQUEST_NOT_VERIFIED, _("The person has not verified this request yet.")
        )
    if request.applied_at is not None:
        raise DomainError(ErrorCode.REQUEST_ALREADY_APPLIED, _("This has already been done."))


@transaction.atomic
def restriction_apply(*, request: DataSubjectRequest, actor: Actor) -> ProcessingRestriction:
    """Restrict processing of the person's data (GDPR art. 18): from now on only storage;
    check-in refuses their cards and marketing leaves them out (``is_restricted``)."""
    _require_role(actor, HANDLER_ROLES)
    _verified_open(request, RequestKind.RESTRICTION)
    if is_restricted(request.subject):
        raise DomainError(ErrorCode.ALREADY_RESTRICTED, _("Processing is already restricted."))
    restriction = ProcessingRestriction.objects.create(
        subject=request.subject, reason=request.get_kind_display()
    )
    request.applied_at = restriction.started_at
    _save(request, "applied_at")
    _event(request, action="restriction_applied", actor=actor)
    _audit(request, action=AuditAction.DSR_RESTRICTION_APPLY, actor=actor)
    return restriction


@transaction.atomic
def restriction_lift(*, request: DataSubjectRequest, reason: str, actor: Actor) -> None:
    """Lift the restriction a request put in place; the person is told first (art. 18(3))."""
    _require_role(actor, HANDLER_ROLES)
    reason = _text(reason, field="reason", max_length=500)
    restriction = ProcessingRestriction.objects.filter(
        subject=request.subject, lifted_at__isnull=True
    ).first()
    if restriction is None:
        raise DomainError(ErrorCode.NOT_RESTRICTED, _("Processing is not restricted."))
    restriction.lifted_at = timezone.now()
    restriction.save(update_fields=["lifted_at"])
    _event(request, action="restriction_lifted", actor=actor, note=reason)
    _audit(request, action=AuditAction.DSR_RESTRICTION_LIFT, actor=actor)
    with _in_language(request):
        _mail(
            request,
            subject=_("The restriction of your data ends"),
            body=_("We have lifted the restriction of processing of your data.\n\nWhy: %(reason)s")
            % {"reason": reason},
        )


@transaction.atomic
def objection_apply(*, request: DataSubjectRequest, actor: Actor) -> list[ConsentEvent]:
    """The person objects to direct marketing (GDPR art. 21(2)): at once and on every
    channel. Withdraws every marketing consent in this one transaction and marks the
    objection, which ``marketing_suppressed`` reads (it also covers marketing that needs
    no consent, such as postal marketing to existing customers)."""
    _require_role(actor, HANDLER_ROLES)
    _verified_open(request, RequestKind.OBJECTION)
    user = request.subject.user
    language = user.language if user is not None and user.language in ("fi", "sv", "en") else "fi"
    reason = f"Objection to direct marketing, request {request.public_id}"
    events = []
    for purpose in MARKETING_PURPOSES:
        event = consent_withdraw(
            subject=request.subject,
            purpose_key=purpose,
            language=language,
            channel=ConsentEvent.Channel.STAFF,
            actor=actor,
            reason=reason,
        )
        if event is not None:
            events.append(event)
    request.applied_at = timezone.now()
    _save(request, "applied_at")
    _event(request, action="objection_applied", actor=actor)
    _audit(request, action=AuditAction.DSR_OBJECTION_APPLY, actor=actor, withdrawn=len(events))
    return events
