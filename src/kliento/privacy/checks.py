"""System check: the personal-data declarations name real catalogue items, models and
record kinds. The contract (kliento.common.personal_data) sits below the catalogue, so
this is where its keys are checked, once every app has registered its declarations."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks

from kliento.common.personal_data import RecordKind, Retention, retention_kinds, sections
from kliento.register import catalogue


def declaration_errors() -> list[str]:
    """What is wrong with the registered sections and record kinds (empty: nothing)."""
    kinds = {kind.key: kind for kind in retention_kinds()}
    return _section_errors(set(kinds)) + _kind_errors(list(kinds.values()))


def _section_errors(kinds: set[str]) -> list[str]:
    errors: list[str] = []
    for section in sections():
        where = f"export section {section.name!r}"
        for key in (*section.items, *filter(None, [section.retention_item])):
            if key not in catalogue.BY_KEY:
                errors.append(f"{where}: unknown catalogue item {key!r}")
        for key in section.retention:
            if key not in kinds:
                errors.append(f"{where}: unknown record kind {key!r}")
        for label in section.models:
            try:
                apps.get_model(label)
            except (LookupError, ValueError):
                errors.append(f"{where}: unknown model {label!r}")
        if section.erase is None and not str(section.kept_because).strip():
            errors.append(f"{where}: erase=None needs kept_because")
    return errors


def _kind_errors(kinds: list[RecordKind]) -> list[str]:
    errors: list[str] = []
    for kind in kinds:
        where = f"record kind {kind.key!r}"
        if kind.item not in catalogue.BY_KEY:
            errors.append(f"{where}: unknown catalogue item {kind.item!r}")
        period_item = kind.period_item
        if period_item is not None:
            item = catalogue.BY_KEY.get(period_item)
            if item is None:
                errors.append(f"{where}: unknown catalogue item {period_item!r}")
            elif item.retention.period is None:
                errors.append(f"{where}: catalogue item {period_item!r} has no period")
        elif isinstance(kind.retention, Retention) and kind.retention.period is None:
            errors.append(f"{where}: its retention has no period")
    return errors


@checks.register()
def personal_data_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(message, id="kliento.privacy.E001") for message in declaration_errors()]
