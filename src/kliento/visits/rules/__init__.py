"""The loyalty rules, one module each, and what the rest of the app asks of them.

A new rule is a new module here with a Rule subclass (see base.py), a migration for
the fields it adds to LoyaltyProgram, and translations: the program model, the
program form, the terms' validation, check-in and the programs page all take it from
here.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kliento.common.errors import DomainError, ErrorCode
from kliento.visits.rules.base import (
    EARNING,
    FIELDSETS,
    LIMITS,
    POINTS,
    REWARD,
    STAMPS,
    EarningRule,
    LimitRule,
    Rule,
    Settlement,
    Visiting,
    count_field,
)

if TYPE_CHECKING:
    from kliento.visits.models import LoyaltyProgram

__all__ = [
    "FIELDSETS",
    "RULES",
    "EarningRule",
    "LimitRule",
    "Rule",
    "Settlement",
    "Visiting",
    "claim_cost",
    "count_field",
    "explain",
    "for_kind",
    "limits_for",
    "param_names",
    "skipped_text",
    "validate",
]

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

RULES: tuple[Rule, ...] = tuple(rule() for rule in sorted(Rule.registry, key=lambda r: r.order))


# Worked out once: check-in asks for them for every program of every visit.
_FOR_KIND: dict[str, tuple[Rule, ...]] = {
    kind: tuple(rule for rule in RULES if rule.applies_to(kind)) for kind in (POINTS, STAMPS)
}
_LIMITS: dict[str, tuple[LimitRule, ...]] = {
    kind: tuple(
        sorted((r for r in rules if isinstance(r, LimitRule)), key=lambda rule: rule.queries)
    )
    for kind, rules in _FOR_KIND.items()
}


def for_kind(kind: str) -> tuple[Rule, ...]:
    """The rules that apply to a program of this kind, in order."""
    return _FOR_KIND.get(kind, ())


def limits_for(kind: str) -> tuple[LimitRule, ...]:
    """The limits of a program of this kind, in the order they are checked: those that
    need no query first."""
    return _LIMITS.get(kind, ())


def param_names() -> list[str]:
    """Every LoyaltyProgram field that holds a rule's parameter."""
    return [name for rule in RULES for name in rule.model_fields()]


def validate(kind: str, params: dict[str, int]) -> None:
    """Refuse terms a rule cannot work with, or a points program that earns nothing."""
    for rule in RULES:
        rule.validate(kind, params)
    earning = [rule for rule in RULES if isinstance(rule, EarningRule)]
    if kind == POINTS and not any(rule.earns(kind, params) for rule in earning):
        raise DomainError(ErrorCode.VALUE_INVALID, _("Give points per euro, per visit, or both."))


def skipped_text(reason: str | None) -> str:
    """What the cashier reads when a limit refused earning, by the limit's reason."""
    for rule in RULES:
        if isinstance(rule, LimitRule) and rule.reason == reason:
            return str(rule.skipped_text)
    return ""


def claim_cost(program: LoyaltyProgram) -> int:
    """Points a reward claimed at the till costs; 0 when the program has none to claim."""
    return max((rule.claim_cost(program) for rule in RULES), default=0)


def explain(program: LoyaltyProgram) -> list[tuple[str, str]]:
    """The program's terms for the programs page, as (term, explanation) pairs: what
    earns, the reward, how long a reward stays valid, and the limits."""
    said: dict[str, list[str]] = {EARNING: [], REWARD: [], LIMITS: []}
    for rule in for_kind(program.kind):
        text = rule.explain(program)
        if text:
            said[rule.term].append(text)
    facts = []
    if said[EARNING]:
        facts.append((_("Earning"), ", ".join(said[EARNING])))
    facts.append((_("Reward"), " · ".join(said[REWARD]) or program.reward_name))
    days = program.reward_valid_days
    facts.append(
        (_("Reward valid"), ngettext("%(days)s day", "%(days)s days", days) % {"days": days})
    )
    facts.append((_("Limits"), " · ".join(said[LIMITS]) or _("None")))
    return facts
