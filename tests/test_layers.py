"""The shape of the code, from its import statements alone (docs/architecture.md, "Layers").

import-linter (`make lint`) checks that every import points down the layers. These tests check
what its contract cannot say: no app reaches into another's private (`_`) names, no import
between apps hides inside a function, and the apps form no loop. They read the source, so they
cover tests and management commands too."""

from __future__ import annotations

import ast
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "roundtable"


def _layer_of() -> dict[str, int]:
    """Each app's layer, from the import-linter contract in pyproject.toml (0 is the bottom)."""
    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = config["contracts"][0]["layers"]
    return {app.strip(): rank for rank, line in enumerate(reversed(layers)) for app in line.split("|")}


def _imports():
    """(importing file, its app, imported app, imported name or None, inside a function?)"""
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        app = path.relative_to(ROOT).parts[0]
        tree = ast.parse(path.read_text(), filename=str(path))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [(node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [(alias.name, None) for alias in node.names]
            else:
                continue
            in_function, up = False, node
            while up in parents:
                up = parents[up]
                if isinstance(up, ast.FunctionDef | ast.AsyncFunctionDef):
                    in_function = True
                    break
            for module, name in targets:
                parts = module.split(".")
                if parts[0] == "roundtable" and len(parts) > 1 and parts[1] != app:
                    yield path.relative_to(ROOT.parent), app, parts[1], name, in_function


def test_no_app_imports_another_apps_private_names():
    crossing = [f"{path}: {target}.{name}" for path, _, target, name, _ in _imports() if name and name.startswith("_")]
    assert crossing == []


def test_every_app_has_a_layer():
    apps = {path.name for path in ROOT.iterdir() if (path / "apps.py").exists()}
    assert apps == set(_layer_of())


def test_no_import_inside_a_function_points_up_or_sideways():
    """An import inside a function (as in an AppConfig.ready) may only point down, like any other."""
    layer = _layer_of()
    hidden = [
        f"{path} -> {target}"
        for path, app, target, _, in_function in _imports()
        if in_function and layer[target] >= layer[app]
    ]
    assert hidden == []


def test_the_apps_form_no_loop_and_core_imports_no_other_app():
    edges: dict[str, set[str]] = defaultdict(set)
    for _, app, target, _, _ in _imports():
        edges[app].add(target)
    assert edges["core"] == set()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in edges[start])

    loops = sorted(app for app in edges if reaches(app, app, {app}))
    assert loops == []


def test_no_template_comment_spans_lines():
    """Django's {# … #} ends at the line's end: one that spans lines is shown on the page as text
    (it once was, on every confirmation page). Longer notes use {% comment %}."""
    templates = [*ROOT.rglob("templates/**/*.*"), *(ROOT.parent / "templates").rglob("*.*")]
    spanning = [
        f"{path.relative_to(ROOT.parent)}:{number}"
        for path in templates
        if path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert spanning == []
