"""Export sections for the apps that existed before the privacy app: account, profile,
cards, visits, loyalty, consents, sharing and accesses by others. Newer apps declare
theirs in their own ``export_sections.py`` (see :mod:`kliento.privacy.export`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kliento.accounts.models import ApiToken, User
from kliento.audit.actors import Actor
from kliento.audit.labels import action_label
from kliento.audit.selectors import accesses_by_others
from kliento.cards.models import Card
from kliento.cards.services import card_identifier, card_masked
from kliento.consent.models import ConsentEvent
from kliento.consent.receipts import receipt_claims
from kliento.merchants.models import Merchant, Premises
from kliento.privacy.export import Section, iso, register, stream_rows, uuid_text
from kliento.register import catalogue
from kliento.register.models import Subject
from kliento.register.services import profile_read
from kliento.sharing.models import Grant, Relationship
from kliento.visits.models import LedgerEntry, LoyaltyProgram, Reward, Visit

CHUNK = 2000


def _user(subject: Subject) -> User | None:
    return subject.user if subject.user_id else None


# --- account -----------------------------------------------------------------------------


def _account(subject: Subject) -> Iterator[dict[str, Any]]:
    user = _user(subject)
    yield {
        "kind": "subject",
        "id": subject.public_id,
        "created_at": subject.created_at,
    }
    if user is None:
        return
    yield {
        "kind": "login",
        "id": user.public_id,
        "login_email": user.email,
        "language": user.language,
        "created_at": user.created_at,
        "last_login": user.last_login,
        "password": _("Stored only as a one-way hash; not exported."),
    }
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    for address in EmailAddress.objects.filter(user=user).order_by("pk"):
        yield {
            "kind": "login_email_address",
            "email": address.email,
            "verified": address.verified,
            "primary": address.primary,
        }
    for authenticator in Authenticator.objects.filter(user=user).order_by("pk"):
        yield {
            "kind": "two_step_verification",
            "type": authenticator.type,
            "created_at": authenticator.created_at,
            "last_used_at": authenticator.last_used_at,
        }
    tokens = ApiToken.objects.filter(user=user).order_by("pk")
    for token in tokens:
        yield {
            "kind": "access_token",
            "id": token.public_id,
            "name": token.name,
            "token_kind": token.kind,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "expires_at": token.expires_at,
            "revoked_at": token.revoked_at,
        }


register(
    Section(
        name="account",
        title=_("Your account"),
        models=(
            "register.Subject",
            "register.DataKey",
            "accounts.User",
            "account.EmailAddress",
            "mfa.Authenticator",
            "accounts.ApiToken",
        ),
        items=("login_email", "password", "mfa_secrets"),
        rows=_account,
        description=_(
            "Your login, its e-mail addresses, two-step verification devices and access "
            "tokens. Secrets (password hash, authenticator keys, token secrets, your data "
            "key) are never exported."
        ),
    )
)


def _memberships(subject: Subject) -> Iterator[dict[str, Any]]:
    from kliento.merchants.models import Membership

    user = _user(subject)
    if user is None:
        return
    rows = Membership.objects.filter(user=user).order_by("pk")
    for row in rows.values("merchant__name", "role", "premises__name", "created_at"):
        yield {
            "merchant": row["merchant__name"],
            "role": row["role"],
            "premises": row["premises__name"],
            "created_at": row["created_at"],
        }


register(
    Section(
        name="merchant_roles",
        title=_("Your roles at merchants"),
        models=("merchants.Membership",),
        items=(),
        rows=_memberships,
        description=_("Merchants whose staff you belong to, and your role there."),
    )
)


# --- profile -----------------------------------------------------------------------------


def _profile(subject: Subject) -> Iterator[dict[str, Any]]:
    user = _user(subject)
    if user is None or not hasattr(subject, "data_key"):
        return
    # The person's own read (no audit entry); a read by anyone else is audited once by
    # the export view before the document is produced.
    values = profile_read(subject=subject, actor=Actor.person(user), purpose="")
    for item_key, item_values in values.items():
        item = catalogue.BY_KEY[item_key]
        for value in item_values:
            yield {
                "id": value.id,
                "item": item_key,
                "label": str(item.label),
                "value": value.value,
                "display": value.display,
                "is_primary": value.is_primary,
            }


register(
    Section(
        name="profile",
        title=_("Your profile"),
        models=("register.ProfileValue",),
        items=tuple(item.key for item in catalogue.PROFILE_ITEMS),
        rows=_profile,
        count=lambda subject: subject.values.count(),
    )
)


# --- cards, visits, loyalty -----------------------------------------------------------------


def _cards_of(subject: Subject) -> QuerySet[Card]:
    return Card.objects.filter(holder=subject)


def _cards(subject: Subject) -> Iterator[dict[str, Any]]:
    for card in _cards_of(subject).select_related("issuer").order_by("pk"):
        yield {
            "id": card.public_id,
            "kind": card.kind,
            "issuer": card.issuer.name,
            "status": card.status,
            "masked": card_masked(card),
            "number": card_identifier(card),
            "registered_at": card.registered_at,
            "blocked_at": card.blocked_at,
            "last_used_at": card.last_used_at,
            "created_at": card.created_at,
        }


register(
    Section(
        name="cards",
        title=_("Your cards"),
        models=("cards.Card",),
        items=("card_identifiers",),
        rows=_cards,
        count=lambda subject: _cards_of(subject).count(),
    )
)


def _card_ids(subject: Subject) -> dict[int, str]:
    """The person's cards: pk to public id (a handful)."""
    return {
        pk: str(public_id) for pk, public_id in _cards_of(subject).values_list("pk", "public_id")
    }


def _names(rows: QuerySet[Visit]) -> tuple[dict[int, str], dict[int, str]]:
    """Names of the merchants and premises that ``rows`` refer to (a few, not one per row)."""
    merchants = dict(
        Merchant.objects.filter(pk__in=rows.values("merchant_id")).values_list("pk", "name")
    )
    premises = dict(
        Premises.objects.filter(pk__in=rows.values("premises_id")).values_list("pk", "name")
    )
    return merchants, premises


def _visit_rows(subject: Subject) -> QuerySet[Visit]:
    return Visit.objects.filter(card__holder=subject)


def _visits(subject: Subject) -> Iterator[dict[str, Any]]:
    cards = _card_ids(subject)
    rows = _visit_rows(subject).order_by("at", "pk")
    merchants, premises = _names(rows)
    for row in stream_rows(
        rows.values_list("public_id", "at", "merchant_id", "premises_id", "amount_cents", "card_id")
    ):
        yield {
            "id": uuid_text(row[0]),
            "at": iso(row[1]),
            "merchant": merchants.get(row[2]),
            "premises": premises.get(row[3]),
            "amount_cents": row[4],
            "card": cards.get(row[5]),
        }


register(
    Section(
        name="visits",
        title=_("Your visits"),
        models=("visits.Visit",),
        items=("visits",),
        rows=_visits,
        count=lambda subject: _visit_rows(subject).count(),
    )
)


def _ledger_rows(subject: Subject) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(card__holder=subject)


def _ledger(subject: Subject) -> Iterator[dict[str, Any]]:
    cards = _card_ids(subject)
    rows = _ledger_rows(subject).order_by("at", "pk")
    programs = dict(
        LoyaltyProgram.objects.filter(pk__in=rows.values("program_id")).values_list("pk", "name")
    )
    merchants = dict(
        LoyaltyProgram.objects.filter(pk__in=rows.values("program_id")).values_list(
            "pk", "merchant__name"
        )
    )
    for row in stream_rows(
        rows.values_list(
            "at", "program_id", "kind", "points", "stamps", "reason", "visit__public_id",
            "reward__public_id", "card_id",
        )
    ):  # fmt: skip
        yield {
            "at": iso(row[0]),
            "program": programs.get(row[1]),
            "merchant": merchants.get(row[1]),
            "kind": row[2],
            "points": row[3],
            "stamps": row[4],
            "reason": row[5],
            "visit": uuid_text(row[6]),
            "reward": uuid_text(row[7]),
            "card": cards.get(row[8]),
        }


register(
    Section(
        name="loyalty_ledger",
        title=_("Points and stamps"),
        models=("visits.LedgerEntry",),
        items=("loyalty",),
        rows=_ledger,
        count=lambda subject: _ledger_rows(subject).count(),
    )
)


def _reward_rows(subject: Subject) -> QuerySet[Reward]:
    return Reward.objects.filter(card__holder=subject)


def _rewards(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = _reward_rows(subject).order_by("earned_at", "pk")
    for row in rows.values_list(
        "public_id", "program__name", "program__merchant__name", "program__reward_name",
        "status", "earned_at", "expires_at", "redeemed_at", "card__public_id",
    ).iterator(chunk_size=CHUNK):  # fmt: skip
        yield {
            "id": row[0],
            "program": row[1],
            "merchant": row[2],
            "reward": row[3],
            "status": row[4],
            "earned_at": row[5],
            "expires_at": row[6],
            "redeemed_at": row[7],
            "card": row[8],
        }


register(
    Section(
        name="rewards",
        title=_("Rewards"),
        models=("visits.Reward",),
        items=("loyalty",),
        rows=_rewards,
        count=lambda subject: _reward_rows(subject).count(),
    )
)


# --- consents -------------------------------------------------------------------------------


def _consents(subject: Subject) -> Iterator[dict[str, Any]]:
    events = ConsentEvent.objects.filter(subject=subject).order_by("at", "pk")
    for event in events.iterator(chunk_size=CHUNK):
        yield {
            "id": event.public_id,
            "purpose": event.purpose,
            "action": event.action,
            "at": event.at,
            "channel": event.channel,
            "language": event.language,
            "notice_version": event.notice_version,
            "notice_hash": event.notice_hash,
            "actor_kind": event.actor_kind,
            "reason": event.reason,
            "receipt": receipt_claims(event),
        }


register(
    Section(
        name="consents",
        title=_("Consents and receipts"),
        models=("consent.ConsentEvent",),
        items=("direct_marketing",),
        rows=_consents,
        count=lambda subject: ConsentEvent.objects.filter(subject=subject).count(),
    )
)


# --- sharing --------------------------------------------------------------------------------


def _relationships(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = Relationship.objects.filter(subject=subject).order_by("joined_at", "pk")
    for row in rows.values_list("merchant__name", "joined_at"):
        yield {"merchant": row[0], "joined_at": row[1]}


register(
    Section(
        name="relationships",
        title=_("Merchants you are a customer of"),
        models=("sharing.Relationship",),
        items=("sharing",),
        rows=_relationships,
        count=lambda subject: Relationship.objects.filter(subject=subject).count(),
    )
)


def _grants(subject: Subject) -> Iterator[dict[str, Any]]:
    rows = Grant.objects.filter(subject=subject).order_by("merchant__name", "item")
    for row in rows.values_list("merchant__name", "item", "granted_at", "confirmed_special_at"):
        item = catalogue.BY_KEY.get(row[1])
        yield {
            "merchant": row[0],
            "item": row[1],
            "label": str(item.label) if item else row[1],
            "granted_at": row[2],
            "confirmed_special_at": row[3],
        }


register(
    Section(
        name="sharing_grants",
        title=_("What you share with merchants"),
        models=("sharing.Grant",),
        items=("sharing",),
        rows=_grants,
        count=lambda subject: Grant.objects.filter(subject=subject).count(),
    )
)


# --- accesses by others ------------------------------------------------------------------------


class _MerchantNames(dict[str, str | None]):
    """Merchant names by public id, looked up once each (a person meets a few)."""

    def __missing__(self, public_id: str) -> str | None:
        name = Merchant.objects.filter(public_id=public_id).values_list("name", flat=True).first()
        self[public_id] = name
        return name


def _accesses(subject: Subject) -> Iterator[dict[str, Any]]:
    merchants = _MerchantNames()
    rows = accesses_by_others(subject=subject).order_by("seq")
    for row in rows.values_list(
        "seq", "at", "actor_kind", "actor_role", "action", "items", "purpose", "ticket", "via",
        "context",
    ).iterator(chunk_size=CHUNK):  # fmt: skip
        yield {
            "seq": row[0],
            "at": row[1],
            "actor_kind": row[2],
            "actor_role": row[3],
            "action": row[4],
            "what": str(action_label(row[4])),
            "items": row[5],
            "purpose": row[6],
            "ticket": row[7],
            "via": row[8],
            "merchant_id": (row[9] or {}).get("merchant"),
            "merchant": merchants[row[9]["merchant"]] if (row[9] or {}).get("merchant") else None,
        }


register(
    Section(
        name="accesses_by_others",
        title=_("Who else has used your data"),
        models=(),
        items=(),
        rows=_accesses,
        count=lambda subject: accesses_by_others(subject=subject).count(),
        description=_(
            "Every read or change of your data by staff, merchants, terminals and the "
            "service itself, from the audit log."
        ),
    )
)
