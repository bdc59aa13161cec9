"""The indicator engine: monthly series for computed and recorded indicators.

`indicator_series(indicators, start=…, end=…, programme=…)` returns one Series per indicator id.
It costs a fixed number of queries whatever the volume of data: every figure is aggregated in the
database (grouped by month), each query is shared by all the metrics that need it, and no query
returns one row per booking, response or action — at most one row per month and per value of a
small set (perspective combinations, whole days to done).

Counting rules, decided once here so every report agrees:
- A session counts in the month it started (Europe/London). Cancelled sessions never count.
- Attendance counts checked-in bookings (status attended): not cancellations, waiting lists or
  no-shows. A person who came to two sessions counts twice in attendance, once in people reached.
- A newcomer is someone at the first session they ever came to (earlier no-shows do not count).
- Deleting a person anonymises them (evaluation.feedback.person_forget) so these counts stay right.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import NotSupportedError, connection
from django.db.models import Case, Count, Func, IntegerField, Min, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.evaluation.models import CUBE_QUESTIONS, AccessMet, FeedbackResponse, Indicator, IndicatorValue
from roundtable.records.models import PERSPECTIVE_LABELS, Action, ActionStatus


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    unit: str
    description: str


@dataclass(frozen=True)
class Point:
    period_start: date
    label: str
    value: float | None
    # A month the period covers only in part, or that has not ended yet: shown, labelled as such,
    # and never narrated as a rise or fall.
    partial: bool = False


@dataclass
class Series:
    points: list[Point]
    total: float | None
    summary: str
    unit: str


PERCENT = "%"
SCORE = "average score out of 5"
# How far before the period the newcomer/returning query sorts visits: more than the longest window.
LOOK_BACK_DAYS = 400
RETURN_WINDOWS = {"returning_3m": (3, 91), "returning_6m": (6, 182), "returning_12m": (12, 365)}
# "Prefer not to say" is an answer, not a perspective: it never widens the mix.
BREADTH_CODES = [code for code in PERSPECTIVE_LABELS if code != "prefer_not_to_say"]

_METRICS = [
    Metric(
        "attendance",
        "Attendance",
        "attendances",
        "How many times people came to a session (checked in). Someone who came to two sessions counts twice. "
        "Cancellations, the waiting list and people who did not come are not counted.",
    ),
    Metric(
        "people_reached",
        "Different people who came",
        "people",
        "How many different people came to at least one session.",
    ),
    Metric("sessions_held", "Sessions held", "sessions", "Sessions at which at least one person checked in."),
    Metric("newcomers", "Newcomers", "people", "People coming to a session for the first time."),
    *[
        Metric(
            code,
            f"Returning rate over {months} months",
            PERCENT,
            f"Of the times people came, the share when they had also come to another session in the {months} "
            "months before.",
        )
        for code, (months, _days) in RETURN_WINDOWS.items()
    ],
    Metric(
        "perspectives_breadth",
        "Breadth of perspectives",
        "perspectives",
        f"How many of the {len(BREADTH_CODES)} perspectives were among the people who came (people may give "
        "more than one; 'prefer not to say' is not counted).",
    ),
    Metric(
        "perspectives_diversity",
        "Diversity of perspectives (Simpson's index)",
        "index from 0 to 1",
        "The Gini-Simpson index, 1 minus the sum of the squared shares of each perspective among the people who "
        "came: the chance that two perspectives picked at random are different. 0 means one perspective only; "
        "it rises as the mix grows broader and more even.",
    ),
    Metric(
        "access_needs_met",
        "Access needs met",
        PERCENT,
        "Of the feedback answers to 'were your access needs met?', the share that said yes (partly and no count "
        "against; 'I did not need anything' and blank answers are left out).",
    ),
    Metric(
        "actions_done",
        "Actions done",
        PERCENT,
        "Of the actions from decisions made at sessions in the period, the share now done.",
    ),
    Metric(
        "actions_days_to_done",
        "Median days from session to action done",
        "days",
        "For actions marked done in the period: the median number of days from the session that decided them.",
    ),
    *[
        Metric(
            f"cube_{name}",
            f"Cube: {question}",
            SCORE,
            f"The average answer to '{question}' in feedback, from 1 (not at all) to 5 (completely). One of the "
            "four dimensions of the Cube (Gibson, Britten and Lynch).",
        )
        for name, question, _short in CUBE_QUESTIONS
    ],
    Metric(
        "feeling",
        "How people felt afterwards",
        SCORE,
        "The average answer to 'how do you feel after today?', from 1 (very low or upset) to 5 (very good).",
    ),
    Metric("feedback_responses", "Feedback responses", "responses", "Feedback forms returned, online and on paper."),
]
METRICS: dict[str, Metric] = {m.code: m for m in _METRICS}


def metric_choices() -> list[tuple[str, str]]:
    return [(m.code, m.label) for m in _METRICS]


# --- Periods ----------------------------------------------------------------------------------


def months_between(start: date, end: date) -> list[date]:
    first, last = start.replace(day=1), end.replace(day=1)
    months = []
    while first <= last:
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return months


def month_label(month: date) -> str:
    return month.strftime("%b %Y")


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _points(months: list[date], values: list[float | None], start: date, end: date) -> list[Point]:
    """A point per month; a month the period starts or stops part-way through, or that is not over
    yet, is marked partial and labelled "so far" or "part"."""
    today = timezone.localdate()
    points = []
    for month, value in zip(months, values, strict=True):
        label = month_label(month)
        partial = False
        if month <= today <= _month_end(month) and end >= today:
            label, partial = f"{label} (so far)", True
        elif start > month or end < _month_end(month):
            label, partial = f"{label} (part)", True
        points.append(Point(month, label, value, partial))
    return points


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def _month_starts(months: list[date]) -> list[datetime]:
    """Where each month after the first begins (midnight on the 1st, Europe/London), as instants."""
    return [_bounds(m, m)[0] for m in months[1:]]


def month_of(field: str, months: list[date]) -> Case | Value:
    """The index in `months` of the month a timestamp falls in, as plain comparisons.

    Not TruncMonth: on SQLite that is a Python function called once per row (with a time zone
    conversion), which made every grouped query 3 to 5 times slower at 500,000 bookings. The
    comparisons nest as a binary search, so a 10-year period costs 7 per row, not 120. Values
    outside the period never reach it (every query filters on the period first).
    """
    starts = _month_starts(months)

    def pick(first: int, last: int) -> Case | Value:
        if first == last:
            return Value(first)
        middle = (first + last + 1) // 2
        return Case(
            When(**{f"{field}__lt": starts[middle - 1]}, then=pick(first, middle - 1)),
            default=pick(middle, last),
            output_field=IntegerField(),
        )

    return pick(0, len(months) - 1)


def _month_of_sql(column_sql: str, months: list[date]) -> tuple[str, list]:
    """month_of for hand-written SQL: the CASE text and its parameters, in order."""
    adapt = connection.ops.adapt_datetimefield_value
    starts = _month_starts(months)

    def pick(first: int, last: int) -> tuple[str, list]:
        if first == last:
            return str(first), []
        middle = (first + last + 1) // 2
        before_sql, before_params = pick(first, middle - 1)
        after_sql, after_params = pick(middle, last)
        sql = f"CASE WHEN {column_sql} < %s THEN {before_sql} ELSE {after_sql} END"
        return sql, [adapt(starts[middle - 1]), *before_params, *after_params]

    return pick(0, len(months) - 1)


def _days_sql(vendor: str, start_sql: str, end_sql: str) -> str:
    if vendor == "sqlite":
        return f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)"
    if vendor == "postgresql":
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end_sql} - {start_sql})) / 86400) AS INTEGER)"
    raise NotSupportedError(f"Whole days between timestamps are not written for {vendor}")


def _within_sql(vendor: str, start_sql: str, end_sql: str, days: int) -> str:
    """SQL for "end is at most `days` days after start", to the second."""
    if vendor == "sqlite":
        return f"julianday({end_sql}) - julianday({start_sql}) <= {int(days)}"
    if vendor == "postgresql":
        return f"{end_sql} - {start_sql} <= INTERVAL '{int(days)} days'"
    raise NotSupportedError(f"Time windows are not written for {vendor}")


class DaysBetween(Func):
    """Whole days from one timestamp to another, worked out in the database."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        return _days_sql(connection.vendor, start_sql, end_sql), (*start_params, *end_params)


# --- The queries, one per group of metrics ----------------------------------------------------


class _Data:
    """Runs each query at most once per call, however many indicators need it."""

    def __init__(self, *, start: date, end: date, programme, windows: tuple[str, ...] = ()) -> None:
        self.start, self.end, self.programme = start, end, programme
        # Every returning window any indicator asks for goes into the one attendance query.
        self.windows = windows
        self.lo, self.hi = _bounds(start, end)
        self.months = months_between(start, end)
        self._cache: dict[str, Any] = {}

    def _once(self, key: str, compute) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _sessions(self, prefix: str) -> Q:
        q = Q(**{f"{prefix}starts_at__gte": self.lo, f"{prefix}starts_at__lt": self.hi}) & ~Q(
            **{f"{prefix}status": "cancelled"}
        )
        if self.programme is not None:
            q &= Q(**{f"{prefix}programme": self.programme})
        return q

    def began(self) -> date | None:
        """The month of the first session there has ever been (of the programme, if one is
        chosen): counts before it are not zeros, there was nothing yet to count."""

        def compute():
            sessions = Session.objects.exclude(status="cancelled")
            if self.programme is not None:
                sessions = sessions.filter(programme=self.programme)
            first = sessions.aggregate(first=Min("starts_at"))["first"]
            return timezone.localdate(first).replace(day=1) if first else None

        return self._once("began", compute)

    def before_it_began(self, month: date) -> bool:
        began = self.began()
        return began is None or month < began

    def attended(self) -> QuerySet[Booking]:
        return Booking.objects.filter(self._sessions("session__"), status=Booking.Status.ATTENDED)

    def attendance(self) -> dict[date, dict[str, int]]:
        """Per month: attendances, sessions, newcomers and returning counts for the windows asked
        for, in one pass. Each attendance is paired with the same person's previous one by a window
        function (LAG), so "had they come before, and how long ago" costs one sort of the check-ins
        rather than a correlated lookup per row (that took 45 s at 500,000 bookings; this, under 1 s).
        Two check-ins of one person at the same moment are taken in booking order.

        The LAG only looks back LOOK_BACK_DAYS before the period (longer than any returning window):
        a previous visit older than that makes nobody "returning", and only decides whether someone
        is new — which one lookup answers, asked just for the few attendances with no visit in that
        year (CASE evaluates it only then). Sorting one year of history instead of all of it made
        this query 2-3 times faster at 500,000 bookings.

        Both halves read bookings through covering indexes (Booking.Meta.indexes): (session, status,
        person) for a session's check-ins, (person, status, session) for one person's, so SQLite
        never visits the booking rows (about a fifth off this query at 500,000 bookings). The lookup is a
        scalar subquery with LIMIT 1, not EXISTS: PostgreSQL planned the EXISTS as a hash of every
        check-in before the look-back (it cannot see that CASE asks it only for a few rows), which
        cost more than the few thousand index lookups actually needed."""

        def compute():
            vendor = connection.vendor
            month_sql, month_params = _month_of_sql("t.starts_at", self.months)
            returning = "".join(
                f", SUM(CASE WHEN t.prev_at IS NOT NULL AND {_within_sql(vendor, 't.prev_at', 't.starts_at', days)}"
                f" THEN 1 ELSE 0 END) AS {code}"
                for code, (_months, days) in RETURN_WINDOWS.items()
                if code in self.windows
            )
            programme_sql = "AND t.programme_id = %s" if self.programme is not None else ""
            adapt = connection.ops.adapt_datetimefield_value
            # Only table names, constants and Django's own truncation SQL are spliced in; every value is a parameter.
            bookings, sessions = Booking._meta.db_table, Session._meta.db_table
            sql = f"""
                SELECT {month_sql} AS month, COUNT(*) AS n, COUNT(DISTINCT t.session_id) AS sessions,
                       SUM(CASE WHEN t.prev_at IS NOT NULL THEN 0
                                WHEN (
                                    SELECT 1 FROM {bookings} ob JOIN {sessions} os ON os.id = ob.session_id
                                    WHERE ob.person_id = t.person_id AND ob.status = %s AND os.status <> %s
                                      AND os.starts_at < %s
                                    LIMIT 1
                                ) IS NOT NULL THEN 0 ELSE 1 END) AS newcomers{returning}
                FROM (
                    SELECT b.session_id, b.person_id, s.starts_at, s.programme_id,
                           LAG(s.starts_at) OVER (PARTITION BY b.person_id ORDER BY s.starts_at, b.id) AS prev_at
                    FROM {bookings} b
                    JOIN {sessions} s ON s.id = b.session_id
                    WHERE b.status = %s AND s.status <> %s AND s.starts_at >= %s AND s.starts_at < %s
                ) t
                WHERE t.starts_at >= %s {programme_sql}
                GROUP BY 1
            """  # noqa: S608
            look_back = adapt(self.lo - timedelta(days=LOOK_BACK_DAYS))
            attended, cancelled = Booking.Status.ATTENDED, Session.Status.CANCELLED
            params = [
                *month_params,
                attended,
                cancelled,
                look_back,
                attended,
                cancelled,
                look_back,
                adapt(self.hi),
                adapt(self.lo),
            ]
            if self.programme is not None:
                params.append(getattr(self.programme, "pk", self.programme))
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                names = [col[0] for col in cursor.description]
                rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            return {self.months[row.pop("month")]: {k: int(v or 0) for k, v in row.items()} for row in rows}

        return self._once("attendance", compute)

    def people(self) -> tuple[dict[date, int], int]:
        """Different people per month, and over the whole period (not the sum: people come back)."""

        def compute():
            qs = self.attended()
            monthly = (
                qs.annotate(month=month_of("session__starts_at", self.months))
                .values("month")
                .annotate(n=Count("person_id", distinct=True))
                .order_by()
            )
            total = qs.aggregate(n=Count("person_id", distinct=True))["n"]
            return {self.months[r["month"]]: r["n"] for r in monthly}, total

        return self._once("people", compute)

    def perspectives(self) -> dict[date, Counter[str]]:
        """Perspective mentions per month among attendances. Grouped by the stored list, so rows
        are bounded by months times the combinations people chose, not by people."""

        def compute():
            rows = (
                self.attended()
                .annotate(month=month_of("session__starts_at", self.months))
                .values("month", "person__perspectives")
                .annotate(n=Count("id"))
                .order_by()
            )
            out: dict[date, Counter[str]] = defaultdict(Counter)
            for row in rows:
                for code in set(row["person__perspectives"] or []):
                    if code in BREADTH_CODES:
                        out[self.months[row["month"]]][code] += row["n"]
            return out

        return self._once("perspectives", compute)

    def feedback(self) -> dict[date, dict[str, int]]:
        """Sums and counts per month for every feedback score, so averages over any span are exact."""

        def compute():
            answered = [AccessMet.YES, AccessMet.PARTLY, AccessMet.NO]
            sums: dict[str, Any] = {
                "responses": Count("id"),
                "access_yes": Count("id", filter=Q(access_met=AccessMet.YES)),
                "access_answered": Count("id", filter=Q(access_met__in=answered)),
            }
            for name in [n for n, _q, _s in CUBE_QUESTIONS] + ["feeling"]:
                sums[f"{name}_sum"] = Sum(name)
                sums[f"{name}_n"] = Count(name)
            rows = (
                FeedbackResponse.objects.filter(self._sessions("session__"))
                .annotate(month=month_of("session__starts_at", self.months))
                .values("month")
                .annotate(**sums)
                .order_by()
            )
            return {self.months[row.pop("month")]: row for row in rows}

        return self._once("feedback", compute)

    def actions(self) -> dict[date, dict[str, int]]:
        def compute():
            rows = (
                Action.objects.filter(self._sessions("decision__session__"))
                .annotate(month=month_of("decision__session__starts_at", self.months))
                .values("month")
                .annotate(n=Count("id"), done=Count("id", filter=Q(status=ActionStatus.DONE)))
                .order_by()
            )
            return {self.months[row.pop("month")]: row for row in rows}

        return self._once("actions", compute)

    def days_to_done(self) -> dict[date, Counter[int]]:
        """A histogram per month of whole days from session to done: rows are bounded by the
        number of distinct day counts, and the median comes from the histogram."""

        def compute():
            qs = Action.objects.filter(
                status=ActionStatus.DONE, status_changed_at__gte=self.lo, status_changed_at__lt=self.hi
            ).exclude(decision__session__status="cancelled")
            if self.programme is not None:
                qs = qs.filter(decision__session__programme=self.programme)
            rows = (
                qs.annotate(
                    month=month_of("status_changed_at", self.months),
                    days=DaysBetween("decision__session__starts_at", "status_changed_at"),
                )
                .values("month", "days")
                .annotate(n=Count("id"))
                .order_by()
            )
            out: dict[date, Counter[int]] = defaultdict(Counter)
            for row in rows:
                out[self.months[row["month"]]][max(int(row["days"] or 0), 0)] += row["n"]
            return out

        return self._once("days_to_done", compute)

    def recorded(self, indicator_ids: list[int]) -> dict[int, list[IndicatorValue]]:
        def compute():
            out: dict[int, list[IndicatorValue]] = defaultdict(list)
            for value in IndicatorValue.objects.filter(
                indicator_id__in=indicator_ids, recorded_on__gte=self.start, recorded_on__lte=self.end
            ).order_by("recorded_on", "id"):
                out[value.indicator_id].append(value)
            return out

        return self._once("recorded", compute)


# --- Turning query results into series --------------------------------------------------------


def _ratio(part: float, whole: float, scale: float = 100.0) -> float | None:
    return round(scale * part / whole, 1) if whole else None


def _avg(total: float | None, n: int) -> float | None:
    return round(total / n, 2) if n and total is not None else None


def simpson_index(counts: Counter[str] | dict[str, int]) -> float | None:
    """Gini-Simpson diversity: 1 - sum(p_i^2). None when nothing was counted."""
    n = sum(counts.values())
    if not n:
        return None
    return round(1 - sum((c / n) ** 2 for c in counts.values()), 3)


def median_from_histogram(hist: Counter[int]) -> float | None:
    n = sum(hist.values())
    if not n:
        return None
    wanted = [(n - 1) // 2, n // 2]  # the middle one, or the middle two for an even count
    found: list[int] = []
    seen = 0
    for value in sorted(hist):
        while len(found) < 2 and wanted[len(found)] < seen + hist[value]:
            found.append(value)
        seen += hist[value]
    return (found[0] + found[1]) / 2


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == PERCENT:
        return f"{text}%"
    if unit == SCORE:
        return f"{text} out of 5"
    if not unit or unit.startswith("index"):
        return text
    if value == 1:  # "1 project", "1 person"
        unit = "person" if unit == "people" else unit.removesuffix("s")
    return f"{text} {unit}"


def _trend(points: list[Point], unit: str) -> str:
    """From the first month with something in it to the last: counts are 0 before anything
    happened, and "it rose from 0" would only say the centre had not started yet."""
    known = [p for p in points if p.value is not None and not p.partial]
    while known and known[0].value == 0:
        known.pop(0)
    if len(known) < 2:
        return ""
    first, last = known[0], known[-1]
    assert first.value is not None and last.value is not None  # known holds only points with a value
    if first.value == last.value:
        return f" It was {_fmt(last.value, unit)} in both {first.label} and {last.label}."
    word = "rose" if last.value > first.value else "fell"
    return f" It {word} from {_fmt(first.value, unit)} in {first.label} to {_fmt(last.value, unit)} in {last.label}."


def _computed(code: str, data: _Data, months: list[date]) -> tuple[list[float | None], float | None, str]:
    """The monthly values, the total for the period and the sentence's opening for one metric."""
    span = f"between {_long(data.start)} and {_long(data.end)}"
    if code in ("attendance", "sessions_held", "newcomers") or code in RETURN_WINDOWS:
        rows = data.attendance()
        if code in RETURN_WINDOWS:
            values = [_ratio(rows[m][code], rows[m]["n"]) if m in rows else None for m in months]
            part, whole = (sum(rows[m][k] for m in rows) for k in (code, "n"))
            total = _ratio(part, whole)
            return (
                values,
                total,
                (
                    f"Of {whole:,} times people came {span}, {_fmt(total, PERCENT)} were by people who had come to another "
                    f"session in the {RETURN_WINDOWS[code][0]} months before."
                    if whole
                    else f"Nobody came to a session {span}."
                ),
            )
        key = {"attendance": "n", "sessions_held": "sessions", "newcomers": "newcomers"}[code]
        counts = [float(rows[m][key]) if m in rows else 0.0 for m in months]
        values = [None if data.before_it_began(m) else c for m, c in zip(months, counts, strict=True)]
        total = float(sum(counts))
        opening = {
            "attendance": f"People came to sessions {total:,.0f} times {span}",
            "sessions_held": f"{total:,.0f} sessions were held {span}",
            "newcomers": f"{total:,.0f} people came to a session for the first time {span}",
        }[code]
        sessions = sum(rows[m]["sessions"] for m in rows)
        if code == "attendance" and sessions:
            opening += f", across {sessions:,} sessions"
        return values, total, opening + "."
    if code == "people_reached":
        monthly, total = data.people()
        return (
            [None if data.before_it_began(m) else float(monthly.get(m, 0)) for m in months],
            float(total),
            f"{total:,} different people came to sessions {span}.",
        )
    if code in ("perspectives_breadth", "perspectives_diversity"):
        mix = data.perspectives()
        overall: Counter[str] = Counter()
        for counter in mix.values():
            overall.update(counter)
        if code == "perspectives_breadth":
            values = [float(len(mix[m])) if m in mix else None for m in months]
            total = float(len(overall))
        else:
            values = [simpson_index(mix[m]) if m in mix else None for m in months]
            total = simpson_index(overall)
        biggest = ", ".join(f"{PERSPECTIVE_LABELS[c].lower()} ({n:,})" for c, n in overall.most_common(3))
        opening = (
            f"{len(overall)} of {len(BREADTH_CODES)} perspectives were among the people who came {span}"
            + (f"; Simpson's diversity index was {_fmt(total, '')}" if code == "perspectives_diversity" else "")
            + (f". The most often given: {biggest}." if biggest else ".")
        )
        return values, total, opening
    if code == "access_needs_met":
        rows = data.feedback()
        values = [_ratio(rows[m]["access_yes"], rows[m]["access_answered"]) if m in rows else None for m in months]
        yes, answered = (sum(r[k] for r in rows.values()) for k in ("access_yes", "access_answered"))
        total = _ratio(yes, answered)
        return (
            values,
            total,
            (
                f"{yes:,} of {answered:,} people who answered said their access needs were met ({_fmt(total, PERCENT)}) "
                f"in feedback on sessions {span}."
                if answered
                else f"No feedback about access needs on sessions {span}."
            ),
        )
    if code == "actions_done":
        rows = data.actions()
        values = [_ratio(rows[m]["done"], rows[m]["n"]) if m in rows else None for m in months]
        done, n = (sum(r[k] for r in rows.values()) for k in ("done", "n"))
        total = _ratio(done, n)
        return (
            values,
            total,
            (
                f"{done:,} of {n:,} actions from sessions {span} are done ({_fmt(total, PERCENT)})."
                if n
                else f"No actions came from sessions {span}."
            ),
        )
    if code == "actions_days_to_done":
        hist = data.days_to_done()
        values = [median_from_histogram(hist[m]) if m in hist else None for m in months]
        overall_hist: Counter[int] = Counter()
        for month_hist in hist.values():
            overall_hist.update(month_hist)
        total = median_from_histogram(overall_hist)
        n = sum(overall_hist.values())
        return (
            values,
            total,
            (
                f"{n:,} actions were done {span}; the median time from the session to done was {_fmt(total, 'days')}."
                if n
                else f"No actions were marked done {span}."
            ),
        )
    if code == "feedback_responses":
        rows = data.feedback()
        responses = [float(rows[m]["responses"]) if m in rows else 0.0 for m in months]
        values, total = list(responses), float(sum(responses))
        return values, total, f"{total:,.0f} feedback forms were returned about sessions {span}."
    # The Cube questions and the feelings scale: averages from sums and counts.
    name = code.removeprefix("cube_")
    rows = data.feedback()
    values = [_avg(rows[m][f"{name}_sum"], rows[m][f"{name}_n"]) if m in rows else None for m in months]
    total_sum = sum(r[f"{name}_sum"] or 0 for r in rows.values())
    n = sum(r[f"{name}_n"] for r in rows.values())
    total = _avg(total_sum, n)
    label = METRICS[code].label.removeprefix("Cube: ")
    return (
        values,
        total,
        (
            f"The average answer to '{label}' was {_fmt(total, SCORE)}, from {n:,} answers about sessions {span}."
            if n
            else f"Nobody answered '{label}' about sessions {span}."
        ),
    )


def _recorded(indicator: Indicator, values: list[IndicatorValue], months: list[date], data: _Data) -> Series:
    """Recorded values are snapshots ("pilot projects funded: 4"): a month shows its latest value,
    and the period's figure is the latest of all."""
    unit = indicator.unit
    latest: dict[date, float] = {}
    for value in values:  # in date order, so later ones win
        latest[value.recorded_on.replace(day=1)] = float(value.value)
    points = _points(months, [latest.get(m) for m in months], data.start, data.end)
    if not values:
        return Series(points, None, f"Nothing was recorded between {_long(data.start)} and {_long(data.end)}.", unit)
    last = values[-1]
    summary = (
        f"The latest figure is {_fmt(float(last.value), unit)}, recorded on {_long(last.recorded_on)}"
        + (f" (source: {last.source})" if last.source else "")
        + f". {len(values)} {'value was' if len(values) == 1 else 'values were'} recorded in the period."
        + _trend(points, unit)
    )
    return Series(points, float(last.value), summary, unit)


def indicator_series(indicators: Iterable[Indicator], *, start: date, end: date, programme=None) -> dict[int, Series]:
    """Monthly series for each indicator, keyed by indicator id. `programme` (a Programme or its
    id) narrows computed indicators to its sessions; recorded values are the team's own figures
    and are not narrowed."""
    if end < start:
        raise ValueError("The end of the period is before its start")
    indicators = list(indicators)
    windows = tuple(sorted({i.metric for i in indicators if i.kind == Indicator.Kind.COMPUTED} & set(RETURN_WINDOWS)))
    data = _Data(start=start, end=end, programme=programme, windows=windows)
    months = months_between(start, end)
    recorded_ids = [i.pk for i in indicators if i.kind == Indicator.Kind.RECORDED]
    recorded = data.recorded(recorded_ids) if recorded_ids else {}
    out: dict[int, Series] = {}
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.RECORDED:
            out[indicator.pk] = _recorded(indicator, recorded.get(indicator.pk, []), months, data)
            continue
        metric = METRICS.get(indicator.metric)
        if metric is None:
            out[indicator.pk] = Series(
                _points(months, [None] * len(months), start, end),
                None,
                "This indicator's measure is no longer available; choose another.",
                "",
            )
            continue
        values, total, opening = _computed(metric.code, data, months)
        points = _points(months, values, start, end)
        out[indicator.pk] = Series(points, total, opening + _trend(points, metric.unit), metric.unit)
    return out
