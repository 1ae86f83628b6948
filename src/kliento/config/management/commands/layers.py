"""``kliento layers``: the apps' dependency graph, their declared layers, and any cycle.

The graph counts every import between apps, function-local ones included (grimp, the
library under import-linter, reads the source; migrations and ``TYPE_CHECKING`` imports
are left out). The layer order is the one in pyproject.toml's import-linter contract;
``lint-imports`` enforces it in CI and tests/test_layers.py in the test suite.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import grimp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PACKAGE = "kliento"


def declared_layers() -> list[list[str]]:
    """The layers of pyproject.toml's contract, lowest first, each a list of app names."""
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    layers = [
        [name.strip().removeprefix(f"{PACKAGE}.") for name in layer.split("|")]
        for layer in contract["layers"]
    ]
    return list(reversed(layers))


def app_graph() -> dict[str, set[str]]:
    """Each app and the other apps it imports (migrations and type-only imports left out)."""
    graph = grimp.build_graph(PACKAGE, exclude_type_checking_imports=True, cache_dir=None)
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 2 or "migrations" in parts:
            continue
        app = parts[1]
        targets = edges.setdefault(app, set())
        for imported in graph.find_modules_directly_imported_by(module):
            other = imported.split(".")
            if len(other) >= 2 and other[1] != app:
                targets.add(other[1])
    for targets in edges.values():
        targets.discard("cli")
    return {app: targets for app, targets in edges.items() if app not in {"cli", "__main__"}}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one app (Tarjan): each is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for other in sorted(graph.get(app, ())):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in on_stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == app:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return found


class Command(BaseCommand):
    help = "Print the apps' layers and dependency graph; fail on a cycle or an upward import."

    def handle(self, *args: Any, **options: Any) -> None:
        graph = app_graph()
        layers = declared_layers()
        level = {app: n for n, layer in enumerate(layers) for app in layer}
        self.stdout.write("Layers, lowest first (an app imports only apps in lower layers):")
        for n, layer in enumerate(layers):
            self.stdout.write(f"  {n:2d}  {' | '.join(layer)}")
        self.stdout.write("\nWho imports whom:")
        upward = []
        for app in sorted(graph, key=lambda a: (level.get(a, 99), a)):
            targets = sorted(graph[app], key=lambda a: (level.get(a, 99), a))
            self.stdout.write(f"  {app:12s} -> {', '.join(targets) or '(nothing)'}")
            upward += [f"{app} -> {t}" for t in targets if level.get(t, 99) >= level.get(app, 99)]
        found = cycles(graph)
        if found or upward:
            raise CommandError(
                "The layers do not hold: "
                + "; ".join([*("cycle " + " ↔ ".join(c) for c in found), *upward])
            )
        self.stdout.write("\nNo cycle, no upward or sideways import.")
