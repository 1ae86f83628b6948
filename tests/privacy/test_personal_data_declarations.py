"""Every model holding personal data is declared: exported by a section that says how it
is erased (or why it is kept) and how long it is retained; the declarations name real
catalogue items and record kinds, live in the owning app, and respect the layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from kliento.common import personal_data
from kliento.common.personal_data import (
    ERASE_CARDS,
    ERASE_KEY_DESTROYED,
    ERASE_LOGIN,
    Section,
    erasure_sequence,
    retention_kinds,
    sections,
)
from kliento.privacy.checks import declaration_errors
from kliento.register import catalogue
from tests.privacy.test_export_coverage import EXEMPT, _refers_to_a_person

SRC = Path(__file__).resolve().parents[2] / "src" / "kliento"

# Models with a field the catalogue classifies as personal but no key to a person, that
# no section exports, and why.
EXEMPT_FIELDS: dict[str, str] = {
    "merchants.Invitation": "an invited employee's address, not a registered person's; "
    "kept until the invitation is used or expires (staff_invitation_email)",
    "marketing.Suppression": "keyed hashes of unsubscribed addresses, linked to no one; kept "
    "so an address that left is never mailed again (marketing_suppression)",
    "surveys.Draw": "the draw's entrants and winners as pseudonymous ids: the draw's proof, "
    "with the survey (prize_draw_entries)",
}

# Sections kept after the account is closed with no period yet, and why.
KEPT_WITHOUT_PERIOD: dict[str, str] = {
    "disclosures": "proof of what was given to whom (GDPR art. 19 and 30); no period is "
    "decided yet for keeping it after the account (open question, see the report of #12)",
    "disclosure_notifications": "proof that corrections and erasures were passed on; no "
    "period decided yet, as for disclosures",
}

# The apps' layers, lowest first: an app may import only apps below it (or its own).
LAYERS: list[set[str]] = [
    {"common"}, {"audit"}, {"accounts"}, {"register"}, {"cards", "merchants", "consent"},
    {"visits"}, {"sharing"}, {"privacy", "disclosures", "surveys"}, {"dsr"}, {"marketing"},
    {"backoffice"}, {"config"},
]  # fmt: skip
LAYER = {app: index for index, layer in enumerate(LAYERS) for app in layer}


def _personal_field_models() -> set[str]:
    return {".".join(field.split(".")[:2]) for field in catalogue.FIELD_CLASSIFICATION}


def _holds_personal_data() -> set[str]:
    return _refers_to_a_person() | _personal_field_models()


def _sections_naming(label: str) -> list[Section]:
    return [section for section in sections() if label in section.models]


def _periods(section: Section) -> list[object]:
    keys = (*section.items, *filter(None, [section.retention_item]))
    return [catalogue.BY_KEY[key].retention.period for key in keys]


def _erasure_problem(section: Section) -> str | None:
    if section.erase is None and not str(section.kept_because).strip():
        return "declares neither erase nor kept_because"
    return None


def _retention_problem(section: Section) -> str | None:
    """A section is retained by a record kind, or by its catalogue items' periods; a
    period of None ("as long as the account exists") counts only when erase removes the
    rows with the account; rows kept beyond the account need a period."""
    if section.retention:
        return None
    periods = _periods(section)
    if any(period is not None for period in periods):
        return None
    if periods and section.erase is not None:
        return None
    if section.name in KEPT_WITHOUT_PERIOD:
        return None
    return "has no retention: no catalogue item with a period and no record kind"


def test_every_model_holding_personal_data_is_declared() -> None:
    problems = []
    for label in sorted(_holds_personal_data() - set(EXEMPT) - set(EXEMPT_FIELDS)):
        naming = _sections_naming(label)
        if not naming:
            problems.append(f"{label}: no section names it")
        for section in naming:
            for problem in (_erasure_problem(section), _retention_problem(section)):
                if problem:
                    problems.append(f"{label}: section {section.name!r} {problem}")

    assert problems == []


def test_every_section_declares_erasure_and_retention() -> None:
    problems = [
        f"{section.name}: {problem}"
        for section in sections()
        for problem in (_erasure_problem(section), _retention_problem(section))
        if problem
    ]

    assert problems == []


def test_the_check_fails_for_an_undeclared_section() -> None:
    # The rules above catch what they are meant to (they would pass on nothing else).
    bare = Section(name="x", title="x", models=("surveys.Response",), items=(), rows=list)
    kept_no_period = Section(
        name="y", title="y", models=(), items=("sharing",), rows=list, kept_because="proof"
    )

    assert _erasure_problem(bare) is not None
    assert _retention_problem(bare) is not None
    assert _erasure_problem(kept_no_period) is None
    assert _retention_problem(kept_no_period) is not None
    with pytest.raises(ValueError, match="kept_because"):
        personal_data.register_section(bare)


def test_the_walk_finds_models_with_personal_fields() -> None:
    assert {"audit.AuditNetwork", "marketing.Suppression", "register.ProfileValue"} <= (
        _holds_personal_data()
    )


def test_exemptions_are_still_needed() -> None:
    for label in EXEMPT_FIELDS:
        apps.get_model(label)
    assert set(EXEMPT_FIELDS) <= _personal_field_models()
    assert not set(EXEMPT_FIELDS) & personal_data.covered_models()
    names = {section.name for section in sections()}
    assert set(KEPT_WITHOUT_PERIOD) <= names
    for name in KEPT_WITHOUT_PERIOD:
        section = next(s for s in sections() if s.name == name)
        # the rows stay (at most their free text is blanked): no deletion, no period
        assert not section.retention
        assert all(period is None for period in _periods(section))


def test_the_declarations_name_real_items_kinds_and_models() -> None:
    assert declaration_errors() == []


def test_the_system_check_reports_an_unknown_catalogue_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = Section(
        name="bad", title="bad", models=("nope.Model",), items=("no_such_item",), rows=list,
        kept_because=_("test"), retention=("no_such_kind",),
    )  # fmt: skip
    monkeypatch.setitem(personal_data._SECTIONS, "bad", bad)

    errors = declaration_errors()

    assert any("no_such_item" in error for error in errors)
    assert any("no_such_kind" in error for error in errors)
    assert any("nope.Model" in error for error in errors)


def test_every_record_kind_belongs_to_a_section() -> None:
    named = {key for section in sections() for key in section.retention}

    assert {kind.key for kind in retention_kinds()} <= named


def test_the_retention_run_keeps_its_order() -> None:
    # Ledger rows go with unregistered cards before the visits are anonymised.
    assert [kind.key for kind in retention_kinds()] == [
        "sessions", "audit_ip_addresses", "finished_tasks", "staff_setup_links",
        "unregistered_cards", "visits", "closed_requests", "consent_events", "survey_responses",
        "merchant_applications",
    ]  # fmt: skip


def test_the_erasure_keeps_its_order() -> None:
    sequence = erasure_sequence()
    names = [section.name for section in sequence]
    # Rows of other apps while the data key exists; then what was sealed under it; the
    # cards' history before the cards are released; the login last.
    before_key = [s.name for s in sequence if s.erase_order < ERASE_KEY_DESTROYED]
    assert set(before_key) == {
        "merchant_customer_ids", "surveys", "marketing_inclusions", "marketing_choices",
        "privacy_requests", "merchant_applications", "disclosures",
    }  # fmt: skip
    assert names.index("profile") > max(names.index(name) for name in before_key)
    assert names.index("sharing_grants") < names.index("relationships")
    assert names.index("visits") < names.index("cards")
    assert names.index("rewards") < names.index("cards")
    assert [s.erase_order for s in sequence if s.name == "cards"] == [ERASE_CARDS]
    assert names[-2:] == ["account", "merchant_roles"]
    assert all(s.erase_order == ERASE_LOGIN for s in sequence[-2:])


def test_the_export_order_is_unchanged() -> None:
    # The JSON document lists its sections in this order (docs/export-schema.md).
    assert [section.name for section in sections()] == [
        "account", "merchant_roles", "profile", "cards", "visits", "loyalty_ledger",
        "rewards", "consents", "relationships", "sharing_grants", "accesses_by_others",
        "merchant_customer_ids", "surveys", "marketing_inclusions", "marketing_choices",
        "disclosures", "disclosure_notifications", "privacy_requests", "merchant_applications",
    ]  # fmt: skip


def test_each_app_declares_its_own_sections() -> None:
    for section in sections():
        app = section.rows.__module__.split(".")[1]
        assert section.rows.__module__ == f"kliento.{app}.personal_data", section.name
        owners = {apps.get_model(label)._meta.app_config.name for label in section.models} - {
            "allauth.account",
            "allauth.mfa",
        }  # third-party: with the app that uses them
        # A section covers its own app's models (a model being moved between apps may
        # stay with its old section until the move is done).
        assert not owners or f"kliento.{app}" in owners, (section.name, owners)


def _kliento_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found |= {name.split(".")[1] for name in names if name.startswith("kliento.")}
    return found


def test_the_contract_and_the_declarations_respect_the_layers() -> None:
    contract = _kliento_imports(SRC / "common" / "personal_data.py")
    assert contract <= {"common"}
    for path in sorted(SRC.glob("*/personal_data.py")):
        app = path.parent.name
        upward = {other for other in _kliento_imports(path) if LAYER[other] > LAYER[app]}
        assert upward == set(), f"{app}/personal_data.py imports {sorted(upward)}"
    retention = _kliento_imports(SRC / "dsr" / "retention.py")
    assert not retention & {"cards", "visits", "consent", "surveys"}
