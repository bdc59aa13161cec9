"""Every time-based deletion is a named retention rule, run by one scheduled job and one command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from roundtable.core import retention
from roundtable.core.schedule import jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_these_rules(monkeypatch):
    calls = []

    def old_things(*, now):
        calls.append(now)
        return 3

    rules = {"old things": retention.RetentionRule("old things", "Old things go after a week.", old_things)}
    monkeypatch.setattr(retention, "_rules", rules)
    monkeypatch.setattr(retention, "autodiscover_modules", lambda name: None)
    return calls


def test_every_rule_is_applied_with_the_same_clock_and_its_count_reported(only_these_rules):
    now = timezone.now() - timedelta(days=1)
    assert retention.apply_retention(now=now) == {"old things": 3}
    assert only_these_rules == [now]


def test_the_command_lists_each_rule_with_what_it_keeps(only_these_rules, capsys):
    call_command("apply_retention", "--list")
    assert capsys.readouterr().out == "old things: Old things go after a week.\n"
    assert only_these_rules == []


def test_the_command_applies_the_rules_now_and_prints_counts(only_these_rules, capsys):
    call_command("apply_retention")
    assert capsys.readouterr().out == "old things: 3 deleted\n"


def test_an_unknown_rule_is_a_clear_error(only_these_rules):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no retention rule called 'nope'"):
        call_command("apply_retention", "--rule", "nope")


def test_the_apps_rules_are_found_and_one_scheduled_job_runs_them_all():
    names = [rule.name for rule in retention.rules()]
    assert "access needs after the session" in names
    assert "unconfirmed newsletter sign-ups" in names
    assert all(rule.description for rule in retention.rules())
    assert "roundtable.core.tasks.apply_retention_rules" in jobs()
    from roundtable.core.tasks import apply_retention_rules

    assert set(apply_retention_rules.call()) == set(names)
