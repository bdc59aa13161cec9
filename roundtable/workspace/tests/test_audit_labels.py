"""The audit log says what happened in plain English, for every kind of entry the code writes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from roundtable.core import audit
from roundtable.workspace.views.team import VERB_LABELS, verb_label

ROUNDTABLE = Path(__file__).resolve().parents[2]
# Verbs made at run time: f"booking.{status}" for sign-in (roundtable/bookings/services.py).
MADE_AT_RUN_TIME = {"booking.attended", "booking.no_show", "booking.confirmed"}


def _strings(node: ast.AST) -> set[str]:
    """The verbs an argument can be: a string, either branch of `a if c else b`, or the strings
    assigned to the variable passed (as in `verb = "assessment.create"`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def verbs_in_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in ROUNDTABLE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        assigned = {
            target.id: _strings(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and len(node.args) >= 2 and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "log" or getattr(node.func.value, "id", "") != "audit":
                continue
            arg = node.args[1]
            verbs = _strings(arg) or (assigned.get(arg.id, set()) if isinstance(arg, ast.Name) else set())
            for verb in verbs:
                found.setdefault(verb, f"{path.relative_to(ROUNDTABLE.parent)}:{node.lineno}")
    return found


def test_every_verb_the_code_writes_has_a_plain_english_label():
    found = verbs_in_code()
    assert len(found) > 60  # the scan finds the code's verbs (it would find none if it broke)
    missing = {verb: where for verb, where in found.items() if verb not in VERB_LABELS}
    assert missing == {}, f"Give these a label in VERB_LABELS: {missing}"
    assert MADE_AT_RUN_TIME <= VERB_LABELS.keys()


def test_labels_read_as_sentences():
    for verb, label in VERB_LABELS.items():
        assert label[0].isupper() and ":" not in label and "_" not in label, (verb, label)


def test_an_unknown_verb_is_said_plainly():
    assert verb_label("gripp2.create") == "Wrote a GRIPP2 report"
    assert verb_label("thing.frobbed") == "Something else (thing.frobbed)"


@pytest.mark.django_db
def test_the_audit_log_page_and_its_filter_read_in_plain_english(coordinator_client, coordinator):
    audit.log(coordinator, "gripp2.create", None)
    page = coordinator_client.get("/coordinator/audit-log/").content.decode()
    assert "Wrote a GRIPP2 report" in page
    assert "Gripp2: create" not in page
