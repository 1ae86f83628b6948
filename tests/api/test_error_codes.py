"""Every error code is documented with its status, and services use specific codes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kliento.common.errors import STATUS_BY_CODE, ErrorCode

ROOT = Path(__file__).resolve().parents[2]
API_DOC = ROOT / "docs" / "api.md"
SOURCE = ROOT / "src" / "kliento"
# The framework layer: the error envelope and the mapping of framework statuses to codes.
FRAMEWORK = (SOURCE / "common", SOURCE / "config")
GENERIC = {"CONFLICT", "VALIDATION_FAILED"}

_ROW = re.compile(
    r"^\|\s*`(?P<code>[a-z_]+)`\s*\|\s*(?P<status>\d{3})\s*\|(?P<when>[^|]+)\|(?P<do>[^|]+)\|"
)


def documented() -> dict[str, int]:
    """``code -> status`` from the error tables of docs/api.md (``| `code` | 409 | ...``)."""
    rows: dict[str, int] = {}
    for line in API_DOC.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            assert match["code"] not in rows, f"{match['code']} is documented twice"
            assert match["when"].strip(), line
            assert match["do"].strip(), line
            rows[match["code"]] = int(match["status"])
    return rows


def test_every_code_has_a_status() -> None:
    missing = [code.value for code in ErrorCode if code not in STATUS_BY_CODE]

    assert missing == []
    assert all(400 <= status < 600 for status in STATUS_BY_CODE.values())


def test_every_code_is_documented_with_its_status() -> None:
    rows = documented()

    missing = sorted(code.value for code in ErrorCode if code.value not in rows)
    unknown = sorted(set(rows) - {code.value for code in ErrorCode})
    wrong = {
        code.value: (rows[code.value], STATUS_BY_CODE[code])
        for code in ErrorCode
        if code.value in rows and rows[code.value] != STATUS_BY_CODE[code]
    }
    assert missing == [], "add these codes to the error tables of docs/api.md"
    assert unknown == [], "docs/api.md documents codes that do not exist"
    assert wrong == {}, "docs/api.md gives another status (documented, actual)"


def _generic_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    uses = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "ErrorCode"
            and node.attr in GENERIC
        ):
            uses.append(f"{path.relative_to(ROOT)}:{node.lineno} ErrorCode.{node.attr}")
        if isinstance(node, ast.Constant) and node.value in ("conflict", "validation_failed"):
            uses.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    return uses


def test_no_service_refuses_with_a_generic_code() -> None:
    """``conflict`` and ``validation_failed`` are the framework's answers only: a service
    refusal gets a code that says what kind of refusal it is."""
    uses = [
        use
        for path in sorted(SOURCE.rglob("*.py"))
        if not any(path.is_relative_to(layer) for layer in FRAMEWORK)
        for use in _generic_uses(path)
    ]

    assert uses == []


def test_the_check_sees_a_generic_code() -> None:
    """The check above would notice a service raising ``ErrorCode.CONFLICT``."""
    errors = SOURCE / "common" / "errors.py"

    assert any("ErrorCode.CONFLICT" in use for use in _generic_uses(errors))
