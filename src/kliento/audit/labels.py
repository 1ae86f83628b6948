"""The words a person reads for each audit action, shared by every page that lists them
("who has seen my data", the Activity timeline)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kliento.audit.models import ActorKind

ACTION_LABELS: dict[str, Promise] = {
    "profile.read": _("Looked at your data"),
    "profile.search": _("Looked you up"),
    "profile.add": _("Added to your data"),
    "profile.update": _("Changed your data"),
    "profile.delete": _("Deleted some of your data"),
    "profile.primary": _("Changed which value is primary"),
    "subject.create": _("Created your entry in the register"),
    "visit.record": _("Recorded a visit with your card"),
    "visit.reverse": _("Cancelled a visit"),
    "reward.claim": _("Gave you a reward"),
    "consent.given": _("Recorded your consent"),
    "consent.withdrawn": _("Recorded the withdrawal of your consent"),
    "card.register": _("Registered a card to you"),
    "card.block": _("Blocked your card"),
    "card.change": _("Replaced your card"),
    "card.issue": _("Issued a card to you"),
    "card.unblock": _("Unblocked your card"),
    "card.change_code_send": _("Sent you a card change code by e-mail"),
    "ledger.correct": _("Corrected your points or stamps"),
    "sharing.join": _("Made you a customer of a merchant"),
    "sharing.leave": _("Ended your customer relationship"),
    "sharing.update": _("Changed what you share"),
    "export.create": _("Exported your data"),
    "export.read": _("Read your data export"),
    "reward.redeem": _("Redeemed a reward"),
    "reward.used": _("Redeemed a reward"),
    "sharing.grant": _("Recorded what you share"),
    "sharing.withdraw": _("Recorded a withdrawal of sharing"),
    "card.change_start": _("Started a card change"),
    "consent.history_read": _("Looked at your consent history"),
    "disclosures.read": _("Looked at the disclosures of your data"),
    "disclosure.merchant_export": _("Exported the data you share"),
    "dsr.request_read": _("Opened your data protection request"),
    "subject.key_destroy": _("Destroyed your encryption key"),
    "account.cancel": _("Cancelled your account"),
    "survey.answer": _("Recorded your survey answer"),
}
# Actions named by a prefix (their last part varies) and the label for all of them.
ACTION_PREFIX_LABELS: dict[str, Promise] = {
    "dsr.": _("Handled your data protection request"),
    "retention.": _("Deleted or anonymised old data"),
    "marketing.": _("Direct marketing"),
    "survey.": _("Surveys and prize draws"),
    "disclosure.": _("Disclosed your data"),
    "consent.": _("Recorded a consent choice"),
}


def action_label(action: str) -> str | Promise:
    """The words a person reads for an audit action; never the raw key."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    prefix = next((p for p in ACTION_PREFIX_LABELS if action.startswith(p)), None)
    return ACTION_PREFIX_LABELS[prefix] if prefix else _("Handled your data")


# Who can have seen a person's data, in the person's words.
ACTOR_KIND_LABELS: dict[str, Promise] = {
    ActorKind.STAFF: _("Kliento staff"),
    ActorKind.MERCHANT_STAFF: _("Merchant staff"),
    ActorKind.TERMINAL: _("Merchant terminal"),
    ActorKind.SYSTEM: _("Kliento system"),
    ActorKind.PERSON: _("Person"),
}
