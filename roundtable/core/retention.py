"""How long we keep things, in one place: every time-based deletion is a named rule.

An app registers its rules in its own `retention.py`:

    @retention_rule("unconfirmed newsletter sign-ups", "Deleted 30 days after signing up ...")
    def unconfirmed_sign_ups(*, now: datetime) -> int:
        ...  # delete what is due; return how many rows went

`apply_retention()` runs them all (the scheduled job `core.tasks.apply_retention_rules` and
`manage.py apply_retention`); each rule runs in its own transaction and its own audit entries
hold counts only. core imports no other app: rules are found by `autodiscover_modules("retention")`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules


class Rule(Protocol):
    def __call__(self, *, now: datetime) -> int: ...


@dataclass(frozen=True)
class RetentionRule:
    name: str
    description: str
    apply: Rule


_rules: dict[str, RetentionRule] = {}


def retention_rule(name: str, description: str) -> Callable[[Rule], Rule]:
    """Register `func(*, now) -> int` as the rule called `name`; `description` says it in plain English."""

    def register(func: Rule) -> Rule:
        _rules[name] = RetentionRule(name=name, description=description, apply=func)
        return func

    return register


def rules() -> list[RetentionRule]:
    autodiscover_modules("retention")
    return sorted(_rules.values(), key=lambda rule: rule.name)


def apply_retention(*, now: datetime | None = None, only: str | None = None) -> dict[str, int]:
    """Run every rule (or only the one called `only`); returns how many rows each deleted."""
    now = now or timezone.now()
    chosen = [rule for rule in rules() if only is None or rule.name == only]
    if only is not None and not chosen:
        raise KeyError(only)
    counts = {}
    for rule in chosen:
        with transaction.atomic():
            counts[rule.name] = rule.apply(now=now)
    return counts
