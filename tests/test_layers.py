"""The apps form layers (docs/architecture.md): an app imports only the apps below it.

import-linter's contract in pyproject.toml is the rule; ``kliento layers`` prints the graph
and refuses a cycle. Both run here, so a test run catches an upward import before CI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kliento.config.management.commands.layers import app_graph, cycles, declared_layers

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_linter_contract_holds() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(  # noqa: S603 (our own venv's command, no shell)
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_domain_apps_have_no_cycle_and_every_app_has_a_layer() -> None:
    graph = app_graph()
    assert cycles(graph) == []
    layered = {app for layer in declared_layers() for app in layer}
    assert set(graph) <= layered, f"apps without a layer: {sorted(set(graph) - layered)}"


def test_the_layers_command_prints_the_graph(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("layers")
    out = capsys.readouterr().out
    assert "register     -> common, audit, accounts" in out
    assert "No cycle" in out


def test_a_cycle_is_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_an_upward_import_fails_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from kliento.config.management.commands import layers

    real = layers.app_graph

    def with_upward_import() -> dict[str, set[str]]:
        graph = real()
        graph["common"] = {"register"}
        return graph

    monkeypatch.setattr(layers, "app_graph", with_upward_import)
    with pytest.raises(CommandError, match="common -> register"):
        call_command("layers")
