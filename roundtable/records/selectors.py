"""Reads for records: each costs a fixed number of queries however many sessions, decisions or
actions there are (the tests pin them), and public ones never see a private output."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.db.models import Count, Exists, IntegerField, Model, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Programme, Session
from roundtable.records.models import (
    PERSPECTIVE_LABELS,
    PUBLIC_CONSENTS,
    Action,
    ActionStatus,
    Decision,
    Output,
    StoryChoice,
)

STORY_DECISIONS = 6
STORY_OUTPUTS = 4


# --- Attendance -------------------------------------------------------------------------------


@dataclass
class Attendance:
    came: int = 0
    did_not_come: int = 0
    newcomers: int = 0
    returning: int = 0
    perspectives: list[tuple[str, int]] = field(default_factory=list)  # (label, people), biggest first
    perspective_codes: list[tuple[str, int]] = field(default_factory=list)  # the same, by code
    not_said: int = 0


def attendance_summary(session: Session) -> Attendance:
    """Counts from check-in, in one query. A newcomer is someone who had not come to any
    earlier session; perspectives are counted per person (someone may give two)."""
    came_before = Booking.objects.filter(
        person_id=OuterRef("person_id"), status=Booking.Status.ATTENDED, session__starts_at__lt=session.starts_at
    )
    rows = (
        Booking.objects.filter(session=session, status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW])
        .annotate(returning=Exists(came_before))
        .values_list("status", "person__perspectives", "returning")
    )
    summary = Attendance()
    mix: Counter[str] = Counter()
    for status, perspectives, returning in rows:
        if status == Booking.Status.NO_SHOW:
            summary.did_not_come += 1
            continue
        summary.came += 1
        summary.returning += bool(returning)
        given = [p for p in (perspectives or []) if p in PERSPECTIVE_LABELS]
        mix.update(given)
        summary.not_said += not given
    summary.newcomers = summary.came - summary.returning
    order = list(PERSPECTIVE_LABELS)
    summary.perspective_codes = sorted(mix.items(), key=lambda kv: (-kv[1], order.index(kv[0])))
    summary.perspectives = [(PERSPECTIVE_LABELS[code], count) for code, count in summary.perspective_codes]
    return summary


# --- One session's record ---------------------------------------------------------------------


def _actions() -> QuerySet[Action]:
    return Action.objects.select_related("owner").order_by("due_on", "id")


def public_past_session(session_id: int) -> Session:
    """A published session that has happened: the only kind with a public record."""
    session = (
        Session.objects.published()
        .filter(ends_at__lt=timezone.now(), pk=session_id)
        .select_related("programme", "venue")
        .first()
    )
    if session is None:
        raise Http404("No such session")
    return session


@dataclass
class Record:
    outputs: list[Output]
    decisions: list[Decision]


def session_record(session: Session, *, include_private: bool) -> Record:
    outputs = Output.objects.filter(session=session)
    if not include_private:
        outputs = outputs.public()
    decisions = Decision.objects.filter(session=session).prefetch_related(Prefetch("actions", queryset=_actions()))
    return Record(outputs=list(outputs), decisions=list(decisions))


T = TypeVar("T")


def neighbours(items: Sequence[T], current: T) -> tuple[T | None, T | None]:
    index = items.index(current)
    return (items[index - 1] if index > 0 else None, items[index + 1] if index + 1 < len(items) else None)


# --- "You said, we did" -----------------------------------------------------------------------


def public_programme(slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404("No such programme")
    return programme


def you_said_we_did(programme: Programme, *, status: str = "") -> QuerySet[Decision]:
    """Decisions of the programme's past published sessions, newest first, each with its actions
    (only those in `status`, when given). Evaluate it once; it prefetches in one more query."""
    actions = _actions()
    decisions = Decision.objects.public().filter(session__programme=programme, session__ends_at__lt=timezone.now())
    if status:
        actions = actions.filter(status=status)
        decisions = decisions.filter(Exists(Action.objects.filter(decision=OuterRef("pk"), status=status)))
    return (
        decisions.select_related("session")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("-session__starts_at", "-session_id", "position", "id")
    )


def action_counts(actions: QuerySet[Action]) -> dict[str, int]:
    counts = {status: 0 for status in ActionStatus.values}
    for row in actions.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def share_done(counts: dict[str, int]) -> int:
    """Whole per cent of actions done (not doing counts as decided, not as done)."""
    total = sum(counts.values())
    return round(100 * counts.get(ActionStatus.DONE, 0) / total) if total else 0


def _count(model: type[Model], **lookups: Any) -> Coalesce:
    """A correlated count, so several counts on one row never multiply each other as joins would."""
    qs = (
        model._default_manager.filter(**lookups)
        .order_by()
        .values(next(iter(lookups)))
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(qs, output_field=IntegerField()), Value(0))


def programme_timeline(programme: Programme) -> list[Session]:
    return list(
        Session.objects.published()
        .filter(programme=programme)
        .annotate(
            came=_count(Booking, session=OuterRef("pk"), status=Booking.Status.ATTENDED),
            decision_count=_count(Decision, session=OuterRef("pk")),
            output_count=_count(Output, session=OuterRef("pk"), consent__in=PUBLIC_CONSENTS),
        )
        .order_by("starts_at", "id")
    )


# --- The coordinator's view of actions --------------------------------------------------------


def overdue_actions(today: date | None = None) -> QuerySet[Action]:
    """Open actions past their due date, most overdue first (the coordinator home shows these)."""
    return Action.objects.overdue(today).select_related("owner", "decision__session").order_by("due_on", "id")


def action_list(*, status: str = "", programme: Programme | None = None, public: bool = False) -> QuerySet[Action]:
    actions = Action.objects.public() if public else Action.objects.all()
    if status:
        actions = actions.filter(status=status)
    if programme is not None:
        actions = actions.filter(decision__session__programme=programme)
    return actions.select_related("owner", "decision__session__programme").order_by(
        "-decision__session__starts_at", "decision__position", "decision_id", "due_on", "id"
    )


def sessions_to_record() -> QuerySet[Session]:
    return (
        Session.objects.filter(ends_at__lt=timezone.now())
        .exclude(status=Session.Status.CANCELLED)
        .select_related("programme")
        .annotate(
            came=_count(Booking, session=OuterRef("pk"), status=Booking.Status.ATTENDED),
            output_count=_count(Output, session=OuterRef("pk")),
            decision_count=_count(Decision, session=OuterRef("pk")),
        )
        .order_by("-starts_at", "-id")
    )


# --- The story so far -------------------------------------------------------------------------


@dataclass
class Story:
    session: Session
    earlier: Sequence[Session]
    decisions: list[Decision]
    outputs: list[Output]
    counts: dict[str, int]
    people: int

    @property
    def share_done(self) -> int:
        return share_done(self.counts)

    @property
    def actions_total(self) -> int:
        return sum(self.counts.values())


def earlier_sessions(session: Session) -> QuerySet[Session]:
    if session.programme_id is None:
        return Session.objects.none()
    return Session.objects.published().filter(programme_id=session.programme_id, ends_at__lt=session.starts_at)


def _pick(items: list, choices: dict[int, str], limit: int) -> list:
    """Pinned first (in their own order), then the rest newest first up to the limit; hidden never."""
    pinned = [item for item in items if choices.get(item.pk) == StoryChoice.Choice.PINNED]
    rest = [item for item in items if item.pk not in choices]
    return pinned + rest[: max(limit - len(pinned), 0)]


def story_so_far(session: Session) -> Story:
    """What the programme's earlier sessions decided and made, and how the actions are going."""
    earlier_qs = earlier_sessions(session)
    earlier = list(
        earlier_qs.annotate(came=_count(Booking, session=OuterRef("pk"), status=Booking.Status.ATTENDED)).order_by(
            "starts_at", "id"
        )
    )
    choices: dict[str, dict[int, str]] = {"decision": {}, "output": {}}
    for decision_id, output_id, choice in StoryChoice.objects.filter(session=session).values_list(
        "decision_id", "output_id", "choice"
    ):
        choices["decision" if decision_id else "output"][decision_id or output_id] = choice
    decisions = list(
        Decision.objects.filter(session__in=earlier_qs)
        .select_related("session")
        .prefetch_related(Prefetch("actions", queryset=_actions()))
        .order_by("-session__starts_at", "-session_id", "position", "id")
    )
    outputs = list(
        Output.objects.public()
        .filter(session__in=earlier_qs)
        .select_related("session")
        .order_by("-session__starts_at", "-session_id", "position", "id")
    )
    people = (
        Booking.objects.filter(session__in=earlier_qs, status=Booking.Status.ATTENDED)
        .values("person_id")
        .distinct()
        .count()
    )
    return Story(
        session=session,
        earlier=earlier,
        decisions=_pick(decisions, choices["decision"], STORY_DECISIONS),
        outputs=_pick(outputs, choices["output"], STORY_OUTPUTS),
        counts=action_counts(Action.objects.filter(decision__session__in=earlier_qs)),
        people=people,
    )


def story_candidates(session: Session) -> tuple[list[Decision], list[Output], dict[str, dict[int, str]]]:
    """Everything the story could show, with each item's current choice, for the coordinator."""
    earlier_qs = earlier_sessions(session)
    choices: dict[str, dict[int, str]] = {"decision": {}, "output": {}}
    for decision_id, output_id, choice in StoryChoice.objects.filter(session=session).values_list(
        "decision_id", "output_id", "choice"
    ):
        choices["decision" if decision_id else "output"][decision_id or output_id] = choice
    decisions = list(
        Decision.objects.filter(session__in=earlier_qs)
        .select_related("session")
        .order_by("-session__starts_at", "-session_id", "position", "id")
    )
    outputs = list(
        Output.objects.public()
        .filter(session__in=earlier_qs)
        .select_related("session")
        .order_by("-session__starts_at", "-session_id", "position", "id")
    )
    return decisions, outputs, choices


def upcoming_public_session(session_id: int) -> Session:
    session = (
        Session.objects.published()
        .filter(ends_at__gte=timezone.now(), pk=session_id)
        .select_related("programme", "venue")
        .first()
    )
    if session is None:
        raise Http404("No such session")
    return session


def outputs_credited_to(name: str) -> QuerySet[Output]:
    """Outputs whose credit is this person's chosen name (credits are names, so matched on the
    name, as the data download does; names under 3 characters match nothing)."""
    name = name.strip()
    if len(name) < 3:
        return Output.objects.none()
    return Output.objects.filter(credit__iexact=name)
