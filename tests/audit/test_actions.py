"""Audit actions are one enum: every ``audit_record`` call in src passes an
``AuditAction`` member (never a string literal or an f-string), every member has a label
a person can read, and every action string src compares with stored rows is a member."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from kliento.audit.actions import AuditAction
from kliento.audit.labels import action_label

SRC = Path(__file__).resolve().parents[2] / "src" / "kliento"
# An audit action's shape: "area.verb" (lower case, dots and underscores).
ACTION_SHAPE = re.compile(r"^[a-z]+\.[a-z_]+$")


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(), filename=str(path)))
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SRC.parent)}:{getattr(node, 'lineno', '?')}"


def _audit_calls() -> list[tuple[Path, ast.Call]]:
    return [
        (path, node)
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _name(node) == "audit_record"
    ]


def test_audit_record_is_called_in_src() -> None:
    assert len(_audit_calls()) > 50  # the scan below sees the real call sites


def test_no_audit_record_call_passes_a_string_as_action() -> None:
    offenders = []
    for path, call in _audit_calls():
        for kw in call.keywords:
            if kw.arg == "action" and _is_string(kw.value):
                offenders.append(f"{_where(path, call)}: {ast.unparse(kw.value)}")
        offenders += [f"{_where(path, call)}: positional {ast.unparse(a)}" for a in call.args]
    assert offenders == [], "pass an AuditAction member as action=, not a string"


def test_no_string_action_is_built_by_formatting_for_audit_helpers() -> None:
    # Helpers that pass their argument on to audit_record (dsr._audit, disclosures._audit)
    # take an AuditAction too: no f-string whose text starts like an audit action.
    offenders = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node) not in {"_audit", "audit_record"}:
                continue
            values = [kw.value for kw in node.keywords if kw.arg == "action"] + list(node.args)
            offenders += [
                f"{_where(path, node)}: {ast.unparse(v)}"
                for v in values
                if isinstance(v, ast.JoinedStr)
                or (isinstance(v, ast.Constant) and isinstance(v.value, str))
            ]
    assert offenders == []


def test_every_action_has_a_label_of_words() -> None:
    for action in AuditAction:
        label = str(action.label)
        assert label, action
        assert label != action.value, action
        assert not ACTION_SHAPE.match(label), action
        assert str(action_label(action.value)) == label


def test_every_label_is_translated() -> None:
    with translation.override("en"):
        english = {action: str(action.label) for action in AuditAction}
    for language in ("fi", "sv"):
        with translation.override(language):
            untranslated = [a.value for a in AuditAction if str(a.label) == english[a]]
        assert untranslated == [], language


def test_values_are_unique_and_shaped_like_stored_actions() -> None:
    values = [action.value for action in AuditAction]
    assert len(values) == len(set(values))
    assert [v for v in values if not ACTION_SHAPE.match(v)] == []


def _action_strings_in_src() -> list[tuple[str, str]]:
    """Every string src passes as ``action=`` to a query or a call other than the
    activity timeline's own event keys, and every key of a dict literal compared with
    stored actions: the action strings src relies on."""
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in {"action", "action__in"}:
                values = (
                    node.value.elts
                    if isinstance(node.value, ast.Tuple | ast.List)
                    else [node.value]
                )
                found += [
                    (_where(path, v), v.value)
                    for v in values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                ]
    return found


# Event keys of the Activity timeline that are not audit actions (visits, ledger rows,
# rewards are read from their own tables); the CLI's argparse actions.
NOT_AUDIT = {"visit", "reward.used", "reward.earned", "store_true"}


@pytest.mark.parametrize("where_value", _action_strings_in_src(), ids=lambda wv: wv[0])
def test_every_action_string_in_src_is_a_member(where_value: tuple[str, str]) -> None:
    where, value = where_value
    if value in NOT_AUDIT or not ACTION_SHAPE.match(value):
        return  # consent events ("withdrawn"), dsr request events ("received"), ...
    assert value in AuditAction.values, f"{where}: {value!r} is not an AuditAction"


def test_unknown_stored_value_reads_as_a_generic_phrase() -> None:
    assert str(action_label("brand.new_thing")) == "Handled your data"
