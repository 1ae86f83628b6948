"""What a loyalty rule is: one earning or limiting rule of a program, in one place.

A rule holds its parameters (the LoyaltyProgram fields it adds), its fields in the
program form, its validation, what it does at check-in and its explanation for the
merchant's staff. Each rule is a module of this package; the package finds them all.
Rule modules never import kliento.visits.models: the model takes its fields from them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from kliento.visits.models import LedgerEntry, LoyaltyProgram

# The kinds of program (LoyaltyProgram.Kind): a rule applies to some of them.
POINTS = "points"
STAMPS = "stamps"

# The fieldsets of the program form, in order. The program's own reward fields go in
# "reward"; a rule puts its fields in one of these.
FIELDSETS: dict[str, Promise] = {
    "points": _("Points"),
    "stamps": _("Stamp card"),
    "reward": _("Reward"),
    "limits": _("Limits against misuse"),
}

# The terms of a program's explanation on the programs page: a rule explains itself
# under one of them.
EARNING = "earning"
REWARD = "reward"
LIMITS = "limits"


@dataclass(frozen=True)
class Visiting:
    """What a rule may look at when a visit earns: the visit's purchase and time, and the
    account's earlier earnings in the program (not reversed), queried only if used."""

    amount_cents: int | None
    at: datetime
    earlier_earnings: QuerySet[LedgerEntry]


@dataclass(frozen=True)
class Settlement:
    """A reward a rule hands out after a visit, and what it costs the account."""

    points: int = 0
    stamps: int = 0
    reason: str = ""


def count_field(label: Any, help_text: Any = "", **kwargs: Any) -> forms.IntegerField:
    """A whole number from 0 to a million, as the program form asks for counts."""
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


def euros_field(label: Any, help_text: Any = "", **kwargs: Any) -> forms.DecimalField:
    """An amount in euros, with cents, as the program form asks for money."""
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal(0),
        max_value=Decimal(100_000),
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kwargs,
    )


class Rule(ABC):
    """One loyalty rule. Subclass it in a module of this package: the class is found and
    registered on its own. ``key`` names the rule and the LoyaltyProgram field of its
    parameter; ``order`` places it among the others in the form and the explanation."""

    key: ClassVar[str]
    order: ClassVar[int]
    kinds: ClassVar[tuple[str, ...]] = (POINTS, STAMPS)
    fieldset: ClassVar[str]
    row: ClassVar[str] = ""  # fields of rules with the same row sit side by side
    term: ClassVar[str]

    registry: ClassVar[list[type[Rule]]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "key" in cls.__dict__:  # a concrete rule, not an abstract kind of rule
            Rule.registry.append(cls)

    def applies_to(self, kind: str) -> bool:
        return kind in self.kinds

    def value(self, program: LoyaltyProgram) -> int:
        """The rule's parameter in this program."""
        return int(getattr(program, self.key))

    # --- parameters ---------------------------------------------------------------------

    @abstractmethod
    def model_fields(self) -> dict[str, models.Field[Any, Any]]:
        """The fields the rule adds to LoyaltyProgram: its parameters."""

    @abstractmethod
    def form_fields(self) -> dict[str, forms.Field]:
        """The fields the rule adds to the program form."""

    def initial(self, program: LoyaltyProgram) -> dict[str, Any]:
        """The form's values for an existing program (by default the fields as stored)."""
        return {name: getattr(program, name) for name in self.model_fields()}

    def params(self, cleaned_data: dict[str, Any]) -> dict[str, int]:
        """The parameters to store, from the form's cleaned data; a field left out (one
        that is not required) keeps the model field's default."""
        return {
            name: field.get_default() if cleaned_data.get(name) is None else cleaned_data[name]
            for name, field in self.model_fields().items()
        }

    def validate(self, kind: str, params: dict[str, int]) -> None:  # noqa: B027 (optional hook)
        """Refuse terms this rule cannot work with: raise DomainError. Most rules take any
        terms their form fields allow, so by default nothing is refused."""

    # --- the explanation ---------------------------------------------------------------

    @abstractmethod
    def explain(self, program: LoyaltyProgram) -> str | None:
        """What the rule does in this program, in a few words for the staff; None when it
        does nothing (a limit that is off)."""

    # --- at check-in -------------------------------------------------------------------

    def points(self, program: LoyaltyProgram, visiting: Visiting) -> int:
        """Points this visit earns by this rule."""
        return 0

    def stamps(self, program: LoyaltyProgram, visiting: Visiting) -> int:
        """Stamps this visit earns by this rule."""
        return 0

    def settle(self, program: LoyaltyProgram, points: int, stamps: int) -> Settlement | None:
        """A reward the account has earned, given its balance after the visit."""
        return None

    def claim_cost(self, program: LoyaltyProgram) -> int:
        """Points a reward claimed at the till costs by this rule; 0: none to claim."""
        return 0


class EarningRule(Rule):
    """A rule that gives points or stamps for a visit."""

    def earns(self, kind: str, params: dict[str, int]) -> bool:
        """Whether a program with these terms earns anything by this rule."""
        return self.applies_to(kind) and any(params.get(name) for name in self.model_fields())


class LimitRule(Rule):
    """A rule that refuses earning for a visit; its ``reason`` is what the API reports as
    ``skipped`` and ``skipped_text`` what the cashier reads."""

    fieldset = "limits"
    term = LIMITS
    reason: ClassVar[str]
    skipped_text: ClassVar[Promise]
    queries: ClassVar[bool] = True  # limits that need no query are checked first

    @abstractmethod
    def refuses(self, program: LoyaltyProgram, visiting: Visiting) -> bool:
        """True when this visit may earn nothing by this limit."""
