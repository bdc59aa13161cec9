"""GRIPP2 short form reports (Staniszewska et al., BMJ 2017;358:j3453): a draft pre-filled from
what the platform recorded in a period — sessions, who came, decisions, actions done, feedback —
which a coordinator edits before exporting it as PDF or Markdown.

The pre-fill counts with the indicator engine (evaluation.indicators), so its figures are the
dashboard's figures, and costs a fixed number of queries whatever the volume of data.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.cocreation.models import Programme, Session
from roundtable.core import audit
from roundtable.evaluation.costs import Costs, period_costs
from roundtable.evaluation.indicators import BREADTH_CODES, indicator_series
from roundtable.evaluation.models import CUBE_QUESTIONS, Aim, FeedbackResponse, Gripp2Report, Indicator
from roundtable.records.models import Action, ActionStatus, Decision, Method

SESSIONS_LISTED = 8
DECISIONS_LISTED = 6
ACTIONS_LISTED = 6
# Themes come from the newest answers: enough to show what people keep saying, bounded so a
# centre with 100,000 responses pre-fills as fast as one with ten.
THEME_SAMPLE = 500
THEMES = 6

# Words that say nothing about a theme on their own.
STOPWORDS = frozenset(
    """
a about after again all also am an and any are as at be been being but by can could did do does doing
done for from get got had has have having he her here hers him his how i if in into is it its it's just
lot lots me more most my no not now of on one only or other our out over really so some such than that the
their them then there these they this those to too up us very was we were what when where which while who
why will with would you your yours i'm didn't don't wasn't much many well better good great bit thing things
felt feel session sessions today time went could be more
""".split()
)
WORD = re.compile(r"[a-z][a-z'-]{2,}")

METHOD_WORDS: dict[str, str] = {
    Method.CONSENSUS: "by consensus",
    Method.DOT_VOTING: "by dot-voting",
    Method.SHOW_OF_HANDS: "by a show of hands",
    Method.CONSENT_BASED: "by consent (no strong objection)",
    Method.OTHER: "in another way",
}
_METRICS = [
    "sessions_held",
    "attendance",
    "people_reached",
    "newcomers",
    "perspectives_breadth",
    "feedback_responses",
    "access_needs_met",
    "feeling",
    *[f"cube_{name}" for name, _q, _s in CUBE_QUESTIONS],
]


@dataclass
class Facts:
    """What the pre-fill is written from; the edit page shows it too, so people can check it."""

    start: date
    end: date
    programme: Programme | None
    totals: dict[str, float | None]
    sessions: list[Session]
    decisions: list[Decision]
    decision_methods: list[tuple[str, int]]
    action_counts: dict[str, int]
    done_actions: list[Action]
    aims: list[Aim]
    went_well: list[tuple[str, int]]
    could_be_better: list[tuple[str, int]]


def _period_sessions(start: date, end: date, programme: Programme | None, prefix: str = "") -> Q:
    """Sessions that started in the period (whole days, Europe/London), as the indicator engine counts."""
    zone = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(start, time.min), zone)
    hi = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    q = Q(**{f"{prefix}starts_at__gte": lo, f"{prefix}starts_at__lt": hi}) & ~Q(
        **{f"{prefix}status": Session.Status.CANCELLED}
    )
    if programme is not None:
        q &= Q(**{f"{prefix}programme": programme})
    return q


def themes(texts: list[str], limit: int = THEMES) -> list[tuple[str, int]]:
    """The words people used most, counted once per answer (one long answer cannot dominate)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({w.strip("'-") for w in WORD.findall(text.lower())} - STOPWORDS)
    return [(word, n) for word, n in counts.most_common() if n > 1 and word][:limit]


def gather(*, start: date, end: date, programme: Programme | None = None) -> Facts:
    pseudo = [Indicator(pk=-(n + 1), kind=Indicator.Kind.COMPUTED, metric=code) for n, code in enumerate(_METRICS)]
    series = indicator_series(pseudo, start=start, end=end, programme=programme)
    by_code = {ind.metric: series[ind.pk] for ind in pseudo}
    sessions = list(
        Session.objects.filter(_period_sessions(start, end, programme)).order_by("-starts_at", "-id")[:SESSIONS_LISTED]
    )
    decisions_q = Decision.objects.filter(_period_sessions(start, end, programme, "session__"))
    decisions = list(
        decisions_q.select_related("session").order_by("-session__starts_at", "position", "id")[:DECISIONS_LISTED]
    )
    methods = [
        (METHOD_WORDS.get(row["method"], "in another way"), row["n"])
        for row in decisions_q.order_by().values("method").annotate(n=Count("id")).order_by("-n", "method")
    ]
    action_counts = {
        row["status"]: row["n"]
        for row in Action.objects.filter(_period_sessions(start, end, programme, "decision__session__"))
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    }
    done = list(
        Action.objects.filter(_period_sessions(start, end, programme, "decision__session__"), status=ActionStatus.DONE)
        .exclude(outcome="")
        .order_by("-status_changed_at", "-id")[:ACTIONS_LISTED]
    )
    aims_q = (
        Aim.objects.all()
        if programme is None
        else Aim.objects.filter(Q(programme__isnull=True) | Q(programme=programme))
    )
    aims = list(aims_q.order_by("position", "id"))
    answers = list(
        FeedbackResponse.objects.filter(_period_sessions(start, end, programme, "session__"))
        .filter(~Q(went_well="") | ~Q(could_be_better=""))
        .order_by("-submitted_on", "-id")
        .values_list("went_well", "could_be_better")[:THEME_SAMPLE]
    )
    return Facts(
        start=start,
        end=end,
        programme=programme,
        totals={code: s.total for code, s in by_code.items()},
        sessions=sessions,
        decisions=decisions,
        decision_methods=methods,
        action_counts=action_counts,
        done_actions=done,
        aims=aims,
        went_well=themes([w for w, _ in answers if w]),
        could_be_better=themes([c for _, c in answers if c]),
    )


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _n(value: float | None, noun: str, plural: str = "") -> str:
    n = int(value or 0)
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def _score(value: float | None) -> str:
    return "no answers" if value is None else f"{value:.1f}"


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def draft_text(facts: Facts) -> dict[str, str]:
    """The five items written from the facts, in plain English, ready to be edited."""
    scope = f"the {facts.programme.name} programme" if facts.programme else "the centre"
    t = facts.totals
    period = f"between {_d(facts.start)} and {_d(facts.end)}"

    aim = [f"We involve patients, carers, community members, researchers and students as equal partners in {scope}."]
    if facts.programme and facts.programme.summary:
        aim.append(facts.programme.summary.strip())
    if facts.aims:
        aim.append("Our aims, and what it would look like if we achieved them:")
        aim.append(_bullets([f"{a.title}: {a.success_looks_like.strip()}" for a in facts.aims]))

    methods = [
        f"We held {_n(t['sessions_held'], 'co-creation session')} {period}. People came {_n(t['attendance'], 'time')} in "
        f"all: {_n(t['people_reached'], 'different person', 'different people')}, {_n(t['newcomers'], 'newcomer')} "
        "among them (people at their first session).",
        "Sessions were open to everyone, with no experience needed and no job titles: people took part as "
        "themselves. Before each session we asked about access needs and arranged support.",
        f"People brought {_n(t['perspectives_breadth'], 'perspective')} of the {len(BREADTH_CODES)} we ask about "
        "(lived experience, carer, researcher, student, community member, other).",
    ]
    if facts.sessions:
        methods.append(
            "Recent sessions:\n" + _bullets([f"{_d(x.starts_at.date())}: {x.title}" for x in facts.sessions])
        )
    if facts.decision_methods:
        methods.append(
            "Decisions were made together: " + ", ".join(f"{n} {words}" for words, n in facts.decision_methods) + "."
        )
    methods.append(
        "After each session everyone who came was asked for feedback, using the four questions of the Cube "
        f"(Gibson, Britten and Lynch) and a feelings scale: {_n(t['feedback_responses'], 'form')} came back."
    )

    outcomes = []
    if facts.decisions:
        outcomes.append(
            "Decisions the group made include:\n"
            + _bullets([f"{d.title} ({d.session.title})" for d in facts.decisions])
        )
    else:
        outcomes.append(f"No decisions were recorded {period}.")
    counts = facts.action_counts
    if counts:
        outcomes.append(
            f"The sessions led to {_n(sum(counts.values()), 'action')} for the team: "
            + ", ".join(f"{counts.get(value, 0)} {label.lower()}" for value, label in ActionStatus.choices)
            + "."
        )
    if t["feedback_responses"]:
        scores = [f"{question} {_score(t[f'cube_{name}'])}" for name, question, _short in CUBE_QUESTIONS]
        outcomes.append(
            f"What people said in {_n(t['feedback_responses'], 'feedback form')} (average answers, from 1 for "
            "'not at all' to 5 for 'completely'): " + "; ".join(scores) + f". How people felt afterwards: "
            f"{_score(t['feeling'])} (1 is very low, 5 is very good)."
        )
    if t["access_needs_met"] is not None:
        outcomes.append(f"Of the people who answered, {t['access_needs_met']:g}% said their access needs were met.")

    influence = []
    if facts.done_actions:
        influence.append(
            "You said, we did — actions now done because of the sessions:\n"
            + _bullets([f"{a.title}: {a.outcome.strip()}" for a in facts.done_actions])
        )
    else:
        influence.append(f"No actions with a recorded outcome were completed {period} yet.")
    influence.append("Add how the involvement changed the work's direction, materials or priorities.")

    reflections = []
    if facts.went_well:
        reflections.append(
            "Words people used most about what went well: " + ", ".join(f"{w} ({n})" for w, n in facts.went_well) + "."
        )
    if facts.could_be_better:
        reflections.append(
            "Words people used most about what could be better: "
            + ", ".join(f"{w} ({n})" for w, n in facts.could_be_better)
            + "."
        )
    reflections.append("Add what went well, what did not, and what others could learn from this.")

    return {
        "aim": "\n\n".join(aim),
        "methods": "\n\n".join(m for m in methods if m),
        "outcomes": "\n\n".join(outcomes),
        "influence": "\n\n".join(influence),
        "reflections": "\n\n".join(reflections),
    }


# --- Writes -----------------------------------------------------------------------------------


@transaction.atomic
def gripp2_start(*, actor: User, title: str, start: date, end: date, programme: Programme | None) -> Gripp2Report:
    """A new draft, pre-filled from the data."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": ["Enter a title"]})
    if end < start:
        raise ValidationError({"end": ["The end date must be the same as or after the start date"]})
    text = draft_text(gather(start=start, end=end, programme=programme))
    report = Gripp2Report.objects.create(
        title=title, period_start=start, period_end=end, programme=programme, created_by=actor, updated_by=actor, **text
    )
    audit.log(actor, "gripp2.create", report)
    return report


@transaction.atomic
def gripp2_update(*, actor: User, report: Gripp2Report, title: str, **items: str) -> Gripp2Report:
    if not title.strip():
        raise ValidationError({"title": ["Enter a title"]})
    fields = [name for name, _h, _p in Gripp2Report.ITEMS]
    unknown = set(items) - set(fields)
    if unknown:
        raise ValueError(f"Not GRIPP2-SF items: {sorted(unknown)}")
    locked = Gripp2Report.objects.select_for_update().get(pk=report.pk)
    locked.title = title.strip()
    for name in fields:
        if name in items:
            setattr(locked, name, items[name].strip())
    locked.updated_by = actor
    locked.save()
    audit.log(actor, "gripp2.update", locked)
    return locked


@transaction.atomic
def gripp2_delete(*, actor: User, report: Gripp2Report) -> None:
    audit.log(actor, "gripp2.delete", report)
    report.delete()


# --- Exports ----------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(\s{0,3})(#{1,6})(\s)", re.MULTILINE)


def _md_text(text: str) -> str:
    """Typed text as Markdown that shows exactly what was typed: HTML escaped (a Markdown viewer
    would otherwise run it), and a line starting with # kept as text, not a new heading."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_HEADING.sub(lambda m: m.group(1) + "\\" + m.group(2) + m.group(3), text).strip()


def to_markdown(report: Gripp2Report, *, centre_name: str) -> str:
    scope = report.programme.name if report.programme is not None else centre_name
    lines = [
        f"# {_md_text(report.title)}",
        "",
        f"GRIPP2 short form report (Guidance for Reporting Involvement of Patients and the Public). "
        f"{_md_text(scope)}, {_d(report.period_start)} to {_d(report.period_end)}.",
        "",
    ]
    sections = report.sections()
    for n, section in enumerate(sections, start=1):
        lines += [f"## {n}. {section['heading']}", "", _md_text(section["text"]) or "_Not written yet._", ""]
    costs = report_costs(report)
    if costs is not None:
        lines += [f"## {len(sections) + 1}. {COSTS_HEADING}", "", _md_text(costs.text()), ""]
    return "\n".join(lines)


COSTS_HEADING = "Costs"
COSTS_PROMPT = (
    "From the GRIPP2 long form: the costs of involvement, here payments to public contributors "
    "(fees for their time and expenses repaid), approved or paid, for sessions in the period."
)


def report_costs(report: Gripp2Report) -> Costs | None:
    """The costs section, worked out when shown (from the payments recorded, never typed in)."""
    return period_costs(start=report.period_start, end=report.period_end, programme=report.programme)
