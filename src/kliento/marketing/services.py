"""Campaigns: creating one, building its audience at send time, delivering each message
after a last check, and unsubscribing (link, RFC 8058 one-click, SMS stop keyword).

Nothing is sent without a valid basis at the moment of sending: the audience is
computed when the campaign starts, and each recipient is checked again against the
consent log, the customer relationship and the suppression list right before their
message goes out.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kliento.accounts.roles import StaffRole
from kliento.audit.actions import AuditAction
from kliento.audit.actors import Actor, require_actor
from kliento.audit.models import ActorKind
from kliento.audit.services import audit_record
from kliento.common import crypto
from kliento.common.errors import DomainError, ErrorCode
from kliento.consent import services as consent
from kliento.consent.models import ConsentEvent
from kliento.consent.purposes import LANGUAGES, PURPOSES
from kliento.consent.selectors import consent_state_at
from kliento.dsr.selectors import marketing_suppressed
from kliento.marketing import sms
from kliento.marketing.models import Campaign, Channel, Recipient, Suppression
from kliento.marketing.selectors import CONTACT_ITEM, audience
from kliento.merchants.models import Merchant
from kliento.register import catalogue, values
from kliento.register import services as register
from kliento.sharing.models import Relationship

logger = logging.getLogger("kliento.marketing")

PURPOSES_BY_CHANNEL = {
    Channel.EMAIL: ("email_marketing", "partner_marketing"),
    Channel.SMS: ("sms_marketing", "partner_marketing"),
}
PARTNER = "partner_marketing"
BATCH_SIZE = 200
MAX_ATTEMPTS = 3
RETRY_DELAY = timedelta(minutes=2)
UNSUBSCRIBE_SALT = "kliento.marketing.unsubscribe"


# --- creating a campaign -------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignDraft:
    name: str
    channel: str
    purpose: str
    content: dict[str, dict[str, str]]  # language -> {"subject": ..., "body": ...}
    scheduled_at: datetime | None
    segment_language: str = ""
    segment_city: str = ""
    segment_product: str = ""
    existing_customers: bool = False
    merchant: Merchant | None = None


def required_languages(segment_language: str) -> tuple[str, ...]:
    """The languages the audience may read: the segment's one, or all three."""
    return (segment_language,) if segment_language else LANGUAGES


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(
        ErrorCode.VALUE_INVALID, message, details={"field": field, "message": message}
    )


def _check_draft(draft: CampaignDraft) -> None:
    if draft.channel not in Channel.values:
        raise _invalid("channel", _("Choose e-mail or SMS."))
    if not draft.purpose:
        raise _invalid("purpose", _("Choose the consent purpose the campaign relies on."))
    if draft.purpose not in PURPOSES_BY_CHANNEL[Channel(draft.channel)]:
        raise _invalid("purpose", _("This purpose does not cover this channel."))
    if draft.existing_customers:
        if draft.purpose == PARTNER:
            raise _invalid(
                "existing_customers", _("Partner marketing always needs the person's consent.")
            )
        if draft.merchant is None:
            raise _invalid(
                "merchant",
                _("The existing-customer exception is only for a merchant's own customers."),
            )
    if draft.segment_language and draft.segment_language not in LANGUAGES:
        raise _invalid("segment_language", _("Choose Finnish, Swedish or English."))
    if draft.scheduled_at is None:
        raise _invalid("scheduled_at", _("Choose when to send."))
    for language in required_languages(draft.segment_language):
        text = draft.content.get(language) or {}
        missing_subject = draft.channel == Channel.EMAIL and not text.get("subject", "").strip()
        if missing_subject or not text.get("body", "").strip():
            raise _invalid(
                f"content_{language}",
                _("The audience needs the message in %(language)s.")
                % {"language": dict(catalogue.LANGUAGE_CHOICES)[language]},
            )


@transaction.atomic
def campaign_create(*, draft: CampaignDraft, base_url: str, actor: Actor) -> Campaign:
    """Create and schedule a campaign (marketing staff only); bad input saves nothing."""
    require_actor(actor)
    if actor.kind != ActorKind.STAFF or actor.role != StaffRole.MARKETING:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only marketing staff run campaigns."))
    _check_draft(draft)
    assert draft.scheduled_at is not None  # noqa: S101 (checked above, for the type checker)
    campaign = Campaign.objects.create(
        name=draft.name.strip()[:120] or draft.purpose,
        channel=draft.channel,
        purpose=draft.purpose,
        existing_customers=draft.existing_customers,
        merchant=draft.merchant,
        segment_language=draft.segment_language,
        segment_city=draft.segment_city.strip(),
        segment_product=draft.segment_product.strip(),
        content={
            lang: {k: v.strip() for k, v in draft.content[lang].items()}
            for lang in LANGUAGES
            if draft.content.get(lang, {}).get("body", "").strip()
        },
        scheduled_at=draft.scheduled_at,
        base_url=base_url.rstrip("/"),
        created_by=actor.id,
    )
    audit_record(
        actor=actor,
        action=AuditAction.MARKETING_CAMPAIGN_CREATE,
        purpose=campaign.purpose,
        context={"campaign": str(campaign.public_id), "channel": campaign.channel},
    )
    transaction.on_commit(lambda: _enqueue_start(campaign))
    return campaign


def _enqueue_start(campaign: Campaign) -> None:
    from kliento.marketing.tasks import campaign_start  # noqa: PLC0415 (tasks import this module)

    task = campaign_start
    if task.get_backend().supports_defer and campaign.scheduled_at > timezone.now():
        task = task.using(run_after=campaign.scheduled_at)
    task.enqueue(campaign_id=campaign.pk)


# --- building the audience at send time ----------------------------------------------------


def campaign_start(*, campaign: Campaign, actor: Actor) -> int:
    """Record every recipient the campaign may reach now (one INSERT ... SELECT) and queue
    their delivery in batches. Returns how many were included; runs once per campaign."""
    require_actor(actor)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != Campaign.Status.SCHEDULED:
            return 0
        now = timezone.now()
        rows = audience(locked, moment=now).values_list("s_id", "e_id")
        select_sql, params = rows.query.sql_with_params()
        basis = (
            Recipient.Basis.EXISTING_CUSTOMER
            if locked.existing_customers
            else Recipient.Basis.CONSENT
        )
        table = Recipient._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (campaign_id, subject_id, consent_event_id, basis, "  # noqa: S608
                "status, skip_reason, attempts, last_error, included_at) "
                f"SELECT %s, a.s_id, a.e_id, %s, 'queued', '', 0, '', %s FROM ({select_sql}) a",
                [locked.pk, basis, now, *params],
            )
            included = cursor.rowcount
        locked.status = Campaign.Status.SENDING
        locked.started_at = now
        locked.save(update_fields=["status", "started_at"])
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING_CAMPAIGN_START,
            purpose=locked.purpose,
            context={"campaign": str(locked.public_id), "included": included},
        )
        transaction.on_commit(lambda: _enqueue_batches(locked))
    return included


def _enqueue_batches(campaign: Campaign) -> None:
    from kliento.marketing.tasks import campaign_deliver  # noqa: PLC0415 (tasks import this module)

    ids = list(
        Recipient.objects.filter(campaign=campaign, status=Recipient.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        _finish_if_done(campaign)
    for start in range(0, len(ids), BATCH_SIZE):
        campaign_deliver.enqueue(
            campaign_id=campaign.pk, recipient_ids=ids[start : start + BATCH_SIZE], attempt=1
        )


# --- delivering -----------------------------------------------------------------------------


def address_digest(channel: str, address: str) -> bytes:
    """The suppression key: the same keyed HMAC as the register's blind index."""
    item = catalogue.BY_KEY[CONTACT_ITEM[Channel(channel)]]
    return crypto.blind_index(item.key, values.normalise(item, address))


def _basis_now(recipient: Recipient, campaign: Campaign) -> tuple[str, ConsentEvent | None]:
    """Re-check the basis right before sending: ('', event) when it holds, else a reason."""
    subject = recipient.subject
    if subject.erased_at is not None:
        return "erased", None
    if marketing_suppressed(subject):  # restriction or objection since the audience was set
        return "restricted_or_objected", None
    state = consent_state_at(subject=subject, purpose=campaign.purpose, moment=timezone.now())
    if recipient.basis == Recipient.Basis.EXISTING_CUSTOMER:
        if not Relationship.objects.filter(subject=subject, merchant=campaign.merchant).exists():
            return "customership_ended", None
        if state.event is not None and state.event.action == ConsentEvent.Action.WITHDRAWN:
            return "objected", None
        return "", None
    if not state.active:
        return "consent_withdrawn", None
    return "", state.event


def _address(recipient: Recipient, campaign: Campaign) -> str | None:
    """The person's primary e-mail (else login e-mail) or phone, read for this campaign
    (recorded in the audit log, so the person sees it among the reads of their data)."""
    subject = recipient.subject
    item = CONTACT_ITEM[Channel(campaign.channel)]
    try:
        found = register.profile_read(
            subject=subject,
            actor=Actor.system("marketing"),
            purpose=f"direct marketing: {campaign.name}",
            items=[item],
        )
    except DomainError:
        return None
    if found.get(item):
        return str(found[item][0].value)
    if campaign.channel == Channel.EMAIL and subject.user is not None:
        return subject.user.email
    return None


def unsubscribe_token(recipient: Recipient) -> str:
    return signing.dumps({"r": recipient.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(recipient: Recipient, campaign: Campaign) -> str:
    return campaign.base_url + reverse("unsubscribe", args=[unsubscribe_token(recipient)])


def _language(recipient: Recipient, campaign: Campaign) -> str:
    if campaign.segment_language:
        return campaign.segment_language
    user = recipient.subject.user
    language = user.language if user is not None else "fi"
    return language if language in campaign.content else next(iter(campaign.content), "fi")


def _email(recipient: Recipient, campaign: Campaign, to: str) -> EmailMultiAlternatives:
    language = _language(recipient, campaign)
    text = campaign.content[language]
    link = unsubscribe_url(recipient, campaign)
    with override(language):
        why = (
            _("You get this because you consented to: %(purpose)s.")
            % {"purpose": PURPOSES[campaign.purpose].label}
            if recipient.basis == Recipient.Basis.CONSENT
            else _("You get this as a customer of %(merchant)s.")
            % {"merchant": campaign.merchant.name if campaign.merchant else ""}
        )
        footer = _("Unsubscribe with one click: %(link)s") % {"link": link}
    return EmailMultiAlternatives(
        subject=text["subject"],
        body=f"{text['body']}\n\n-- \n{why}\n{footer}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            # RFC 8058: mail clients offer one-click unsubscribe with a POST to the link.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _sms_text(recipient: Recipient, campaign: Campaign) -> str:
    language = _language(recipient, campaign)
    with override(language):
        stop = _("Reply STOP to stop, or: %(link)s") % {
            "link": unsubscribe_url(recipient, campaign)
        }
    return f"{campaign.content[language]['body']}\n{stop}"


def campaign_deliver(*, campaign: Campaign, recipient_ids: list[int], attempt: int) -> list[int]:
    """Send to the queued recipients among ``recipient_ids``, each after a last check of
    its basis and of the suppression list. Returns the ids to retry later."""
    retry: list[int] = []
    recipients = (
        Recipient.objects.filter(
            campaign=campaign, pk__in=recipient_ids, status=Recipient.Status.QUEUED
        )
        .select_related("subject", "subject__user")
        .order_by("pk")
    )
    mail = get_connection(settings.KLIENTO_EMAIL_DELIVERY_BACKEND)
    provider = sms.sms_backend() if campaign.channel == Channel.SMS else None
    try:
        if provider is None:
            # One SMTP session for the whole batch; if the server is down now, each
            # message tries again and fails (and is retried) on its own.
            with contextlib.suppress(Exception):
                mail.open()
        for recipient in recipients:
            if _deliver_one(recipient, campaign, mail, provider, attempt):
                retry.append(recipient.pk)
    finally:
        mail.close()
    _finish_if_done(campaign)
    return retry


def _skip(recipient: Recipient, reason: str) -> None:
    Recipient.objects.filter(pk=recipient.pk).update(
        status=Recipient.Status.SKIPPED, skip_reason=reason
    )


def _deliver_one(
    recipient: Recipient, campaign: Campaign, mail: Any, provider: Any, attempt: int
) -> bool:
    """Deliver one message; True when it failed and may be retried."""
    with transaction.atomic():
        reason, event = _basis_now(recipient, campaign)
        if reason:
            _skip(recipient, reason)
            return False
        address = _address(recipient, campaign)
    if address is None:
        _skip(recipient, "no_address")
        return False
    digest = address_digest(campaign.channel, address)
    if Suppression.objects.filter(channel=campaign.channel, digest=digest).exists():
        _skip(recipient, "suppressed")
        return False
    try:
        if campaign.channel == Channel.EMAIL:
            mail.send_messages([_email(recipient, campaign, address)])
        else:
            provider.send(to=address, text=_sms_text(recipient, campaign), sender="Kliento")
    except Exception as error:
        final = attempt >= MAX_ATTEMPTS
        Recipient.objects.filter(pk=recipient.pk).update(
            status=Recipient.Status.FAILED if final else Recipient.Status.QUEUED,
            attempts=attempt,
            last_error=f"{type(error).__name__}: {error}"[:200],
        )
        logger.warning("campaign %s delivery failed attempt=%d", campaign.public_id, attempt)
        return not final
    Recipient.objects.filter(pk=recipient.pk).update(
        status=Recipient.Status.SENT,
        attempts=attempt,
        sent_at=timezone.now(),
        address_digest=digest,
        consent_event=event if event is not None else recipient.consent_event,
    )
    return False


def _finish_if_done(campaign: Campaign) -> None:
    if not Recipient.objects.filter(campaign=campaign, status=Recipient.Status.QUEUED).exists():
        Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SENDING).update(
            status=Campaign.Status.DONE, finished_at=timezone.now()
        )


# --- unsubscribing ---------------------------------------------------------------------------


def recipient_from_token(token: str) -> Recipient:
    """The inclusion a link was made for; a tampered or unknown link is a clear error."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        recipient = (
            Recipient.objects.select_related("campaign", "subject", "subject__user")
            .filter(pk=int(data["r"]))
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        recipient = None
    if recipient is None:
        raise DomainError(ErrorCode.BAD_REQUEST, _("This unsubscribe link is not valid."))
    return recipient


def _suppress(channel: str, digest: bytes, source: str) -> bool:
    _row, created = Suppression.objects.get_or_create(
        channel=channel, digest=digest, defaults={"source": source}
    )
    return created


@transaction.atomic
def unsubscribe(*, token: str, actor_request: Any = None) -> bool:
    """One-click unsubscribe: suppress the address the message went to and withdraw the
    campaign's consent. Returns False when it had already been done (nothing changes)."""
    recipient = recipient_from_token(token)
    campaign, subject = recipient.campaign, recipient.subject
    changed = False
    if recipient.address_digest is not None:
        changed = _suppress(campaign.channel, bytes(recipient.address_digest), "unsubscribe_link")
    actor = (
        Actor.person(subject.user, actor_request)
        if subject.user is not None
        else Actor.system("unsubscribe link")
    )
    event = consent.consent_withdraw(
        subject=subject,
        purpose_key=campaign.purpose,
        language=_language(recipient, campaign),
        channel=ConsentEvent.Channel.WEB,
        actor=actor,
    )
    changed = changed or event is not None
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING_UNSUBSCRIBE,
            subject_id=subject.public_id,
            items=["marketing_suppression"],
            context={"campaign": str(campaign.public_id), "channel": campaign.channel},
        )
    return changed


@transaction.atomic
def sms_reply_receive(*, sender: str, text: str) -> bool:
    """A reply from ``sender``: a stop keyword suppresses the number and withdraws the SMS
    marketing consent of everyone with that number. Returns whether it was a stop."""
    if not sms.is_stop_keyword(text):
        return False
    try:
        digest = address_digest(Channel.SMS, sender)
    except DomainError:
        return False
    _suppress(Channel.SMS, digest, "sms_stop")
    actor = Actor.system("sms stop keyword")
    for subject in register.subjects_by_lookup(item_key="phone", value=sender):
        consent.consent_withdraw(
            subject=subject,
            purpose_key="sms_marketing",
            language=subject.user.language if subject.user else "fi",
            channel=ConsentEvent.Channel.WEB,
            actor=actor,
        )
    audit_record(
        actor=actor,
        action=AuditAction.MARKETING_SMS_STOP,
        items=["marketing_suppression"],
        context={},
    )
    return True
