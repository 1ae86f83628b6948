"""Every model that refers to a person is covered by some export section."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model

from kliento.privacy.export import covered_models, sections
from kliento.register.models import Subject

# Models with a key to a person that the export deliberately leaves out, and why.
EXEMPT: dict[str, str] = {
    # Django admin's change log: administrators' own actions in the admin site, about
    # the objects they edited; it holds no value of the administrator's register data.
    "admin.LogEntry": "administrators' own work log, not register data about them",
}


def _refers_to_a_person() -> set[str]:
    targets = {Subject, get_user_model()}
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            is_key = getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False)
            if is_key and field.concrete and field.related_model in targets:
                found.add(model._meta.label)
    return found


def test_every_model_that_refers_to_a_person_is_exported() -> None:
    missing = _refers_to_a_person() - covered_models() - set(EXEMPT)

    assert missing == set(), f"no export section covers {sorted(missing)}"


def test_the_walk_finds_the_known_models() -> None:
    # A walk that finds nothing would pass the test above without proving anything.
    assert {
        "register.ProfileValue",
        "cards.Card",
        "sharing.Grant",
        "consent.ConsentEvent",
        "accounts.ApiToken",
        "account.EmailAddress",
    } <= _refers_to_a_person()


def test_exemptions_are_still_needed() -> None:
    assert set(EXEMPT) <= _refers_to_a_person()
    assert not set(EXEMPT) & covered_models()


def test_every_section_names_real_models_and_a_unique_name() -> None:
    names = [section.name for section in sections()]
    assert len(names) == len(set(names))
    for label in covered_models():
        apps.get_model(label)  # raises LookupError for a misspelt label
