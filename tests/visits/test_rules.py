"""Loyalty rules are small objects (kliento.visits.rules): each registered rule brings
its program fields, its fields in the program form and its explanation, so a new rule
that forgets one of them fails here."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.db import models

from kliento.register import catalogue
from kliento.visits import rules
from kliento.visits.forms import ProgramForm
from kliento.visits.models import LoyaltyProgram
from kliento.visits.rules.base import POINTS, STAMPS, LimitRule, Rule

RULE_IDS = [rule.key for rule in rules.RULES]


def a_program(rule: Rule, kind: str) -> LoyaltyProgram:
    """An unsaved program of ``kind`` in which every parameter of ``rule`` is set."""
    program = LoyaltyProgram(name="Test", kind=kind, reward_name="Coffee", stamps_required=10)
    for name in rule.model_fields():
        setattr(program, name, 7)
    return program


def forgotten(rule: Rule) -> list[str]:
    """What ``rule`` fails to bring: form fields in the program form, an explanation."""
    missing = []
    form = ProgramForm()
    names = list(rule.form_fields())
    shown = {f.name for _legend, rows in form.fieldsets() for row in rows for f in row}
    if not names or any(name not in form.fields or name not in shown for name in names):
        missing.append("form fields")
    for kind in rule.kinds:
        program = a_program(rule, kind)
        text = rule.explain(program)
        explained = " ".join(said for _term, said in rules.explain(program))
        if not text or text not in explained:
            missing.append(f"explanation ({kind})")
    return missing


def test_the_rules_are_found_in_their_modules() -> None:
    assert set(RULE_IDS) >= {
        "points_per_euro", "points_per_visit", "reward_points", "stamps_required",
        "min_minutes_between", "daily_cap", "min_purchase_cents",
    }  # fmt: skip
    assert len(set(RULE_IDS)) == len(RULE_IDS)
    assert {POINTS, STAMPS} == set(LoyaltyProgram.Kind.values)


@pytest.mark.parametrize("rule", rules.RULES, ids=RULE_IDS)
def test_every_rule_brings_its_form_fields_and_its_explanation(rule: Rule) -> None:
    assert forgotten(rule) == []


@pytest.mark.parametrize("rule", rules.RULES, ids=RULE_IDS)
def test_every_rule_parameter_is_a_program_field_and_not_personal(rule: Rule) -> None:
    fields = {f.name for f in LoyaltyProgram._meta.get_fields()}
    assert rule.model_fields()
    assert set(rule.model_fields()) <= fields
    assert set(rule.model_fields()) <= catalogue.NOT_PERSONAL["visits.LoyaltyProgram"]
    assert rule.fieldset in rules.FIELDSETS


@pytest.mark.parametrize(
    "rule", [r for r in rules.RULES if isinstance(r, LimitRule)], ids=lambda r: r.key
)
def test_every_limit_tells_the_cashier_why_nothing_was_earned(rule: LimitRule) -> None:
    assert rules.skipped_text(rule.reason) == str(rule.skipped_text)
    assert str(rule.skipped_text).startswith("Nothing earned")


def test_a_rule_that_forgets_its_form_fields_and_explanation_is_caught() -> None:
    class Forgetful(Rule):
        order = 99
        kinds = (POINTS,)
        fieldset = "limits"
        term = rules.base.LIMITS

        def model_fields(self) -> dict[str, models.Field[Any, Any]]:
            return {"daily_cap": models.PositiveIntegerField(default=0)}

        def form_fields(self) -> dict[str, forms.Field]:
            return {}

        def explain(self, program: LoyaltyProgram) -> str | None:
            return None

    Forgetful.key = "forgetful"  # set after the class: a test rule is never registered
    assert Forgetful not in Rule.registry
    assert forgotten(Forgetful()) == ["form fields", "explanation (points)"]


def test_the_form_is_built_from_the_rules() -> None:
    form = ProgramForm()
    own = {"name", "kind", "reward_name", "reward_valid_days"}
    from_rules = {name for rule in rules.RULES for name in rule.form_fields()}
    assert set(form.fields) == own | from_rules
    legends = [str(legend) for legend, _rows in form.fieldsets()]
    assert legends == ["Points", "Stamp card", "Reward", "Limits against misuse"]


def test_the_explanation_of_a_program() -> None:
    points = LoyaltyProgram(
        name="P", kind=POINTS, reward_name="Coffee", points_per_euro=2, points_per_visit=0,
        reward_points=50, reward_valid_days=30, daily_cap=1,
    )  # fmt: skip
    stamps = LoyaltyProgram(
        name="S", kind=STAMPS, reward_name="Lunch", stamps_required=1, reward_valid_days=1,
        min_minutes_between=30, min_purchase_cents=850,
    )  # fmt: skip

    assert rules.explain(points) == [
        ("Earning", "2 per euro, 0 per visit"),
        ("Reward", "Coffee · 50 points"),
        ("Reward valid", "30 days"),
        ("Limits", "1 a day"),
    ]
    assert rules.explain(stamps) == [
        ("Reward", "Lunch after 1 stamp"),
        ("Reward valid", "1 day"),
        ("Limits", "30 min between · purchase at least 8.50 €"),
    ]


@pytest.mark.parametrize("rule", rules.RULES, ids=RULE_IDS)
def test_a_parameter_left_out_of_the_form_keeps_the_model_default(rule: Rule) -> None:
    # A new rule may make its form fields optional, so forms posted without them still
    # work: what is left out is stored as the model field's default.
    defaults = {name: field.get_default() for name, field in rule.model_fields().items()}
    assert rule.params({}) == defaults
