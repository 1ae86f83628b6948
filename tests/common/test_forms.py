"""A service's refusal lands on the field it names, else on the form."""

from __future__ import annotations

import ast
from pathlib import Path

from django import forms

from kliento.common import forms as common_forms
from kliento.common.errors import DomainError, ErrorCode
from kliento.common.forms import add_domain_error


class NameForm(forms.Form):
    name = forms.CharField()
    note = forms.CharField(required=False)


def bound() -> NameForm:
    form = NameForm({"name": "Till", "note": ""})
    assert form.is_valid()
    return form


def test_the_field_the_error_names_gets_the_message() -> None:
    form = bound()

    add_domain_error(form, DomainError(ErrorCode.NAME_TAKEN, "Taken.", details={"field": "name"}))

    assert form.errors == {"name": ["Taken."]}


def test_the_named_field_wins_over_the_views_guess() -> None:
    form = bound()
    error = DomainError(ErrorCode.VALUE_INVALID, "Bad.", details={"field": "note"})

    add_domain_error(form, error, "name")

    assert form.errors == {"note": ["Bad."]}


def test_the_views_guess_is_used_when_the_error_names_no_field_of_the_form() -> None:
    form = bound()
    error = DomainError(ErrorCode.VALUE_INVALID, "Bad.", details={"field": "elsewhere"})

    add_domain_error(form, error, "note")

    assert form.errors == {"note": ["Bad."]}


def test_otherwise_the_message_is_a_non_field_error() -> None:
    for details, guess in (({}, None), ({"field": "elsewhere"}, "nowhere"), ({"field": 3}, None)):
        form = bound()

        add_domain_error(form, DomainError(ErrorCode.LAST_OWNER, "No.", details=details), guess)

        assert form.non_field_errors() == ["No."]
        assert list(form.errors) == ["__all__"]


def test_common_forms_imports_only_django_and_common() -> None:
    tree = ast.parse(Path(common_forms.__file__).read_text(encoding="utf-8"))
    imported = [
        node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module != "__future__"
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]

    assert imported
    assert all(
        name == "typing" or name.split(".")[0] == "django" or name.startswith("kliento.common")
        for name in imported
    ), imported
