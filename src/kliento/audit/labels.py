"""The words a person reads for each audit action (the labels of
:class:`~kliento.audit.actions.AuditAction`) and for each kind of actor, shared by every
page that lists them ("who has seen my data", the Activity timeline)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kliento.audit.actions import AuditAction
from kliento.audit.models import ActorKind


def action_label(action: str) -> str | Promise:
    """The words a person reads for a stored audit action; never the raw key. A value no
    ``AuditAction`` holds (written by an older version) reads as a generic phrase."""
    try:
        return AuditAction(action).label
    except ValueError:
        return _("Handled your data")


# Who can have seen a person's data, in the person's words.
ACTOR_KIND_LABELS: dict[str, Promise] = {
    ActorKind.STAFF: _("Kliento staff"),
    ActorKind.MERCHANT_STAFF: _("Merchant staff"),
    ActorKind.TERMINAL: _("Merchant terminal"),
    ActorKind.SYSTEM: _("Kliento system"),
    ActorKind.PERSON: _("Person"),
}
