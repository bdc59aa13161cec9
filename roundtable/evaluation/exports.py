"""CSV exports of feedback and indicator values.

Cells that a spreadsheet would run as a formula (starting =, +, -, @, tab or carriage return) are
prefixed with an apostrophe. The feedback export has no name or email column at all, so an
anonymous answer cannot be told apart from a named one by anything but the "given as" column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date

from django.http import StreamingHttpResponse

from roundtable.core import audit
from roundtable.evaluation.indicators import METRICS, indicator_series
from roundtable.evaluation.models import (
    CUBE_QUESTIONS,
    LISTENED_QUESTION,
    AccessMet,
    CubeScale,
    FeedbackResponse,
    FeelingScale,
    Indicator,
    IndicatorValue,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _stream(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


FEEDBACK_HEADER = [
    "Session",
    "Session date",
    "Programme",
    "Given as",
    "Submitted on",
    *[question for _name, question, _short in CUBE_QUESTIONS],
    LISTENED_QUESTION,
    "How do you feel after today?",
    "What went well?",
    "What could be better?",
    "Were your access needs met?",
    "About access needs",
]


def _given_as(source: str, anonymous: bool) -> str:
    if source == FeedbackResponse.Source.PAPER:
        return "Paper form"
    return "Online, anonymously" if anonymous else "Online, with their name"


def feedback_csv(*, session=None, actor) -> StreamingHttpResponse:
    """Every response (or one session's), oldest session first. The comments can be about health,
    so each export is audited."""
    responses = FeedbackResponse.objects.all()
    if session is not None:
        responses = responses.filter(session=session)
    audit.log(actor, "feedback.exported", session, rows=responses.count())
    cube, feeling, access = dict(CubeScale.choices), dict(FeelingScale.choices), dict(AccessMet.choices)
    names = [name for name, _q, _s in CUBE_QUESTIONS]
    rows = (
        responses.order_by("session__starts_at", "session_id", "source", "id")
        .values_list(
            "session__title",
            "session__starts_at",
            "session__programme__name",
            "source",
            "anonymous",
            "submitted_on",
            *names,
            "listened",
            "feeling",
            "went_well",
            "could_be_better",
            "access_met",
            "access_comment",
        )
        .iterator(chunk_size=2000)
    )

    def out():
        for title, starts_at, programme, source, anonymous, submitted, *rest in rows:
            scores, (feel, well, better, met, comment) = rest[:5], rest[5:]
            yield [
                title,
                f"{starts_at:%Y-%m-%d}",
                programme or "",
                _given_as(source, anonymous),
                f"{submitted:%Y-%m-%d}",
                *[cube.get(s, "") for s in scores],
                feeling.get(feel, ""),
                well,
                better,
                access.get(met, ""),
                comment,
            ]

    suffix = f"-session-{session.pk}" if session is not None else ""
    return _stream(f"feedback{suffix}.csv", FEEDBACK_HEADER, out())


INDICATOR_HEADER = ["Aim", "Indicator", "Kind", "Date or month", "Value", "Unit", "Source", "Note"]


def indicator_values_csv(
    *, indicators: list[Indicator], start: date, end: date, programme=None
) -> StreamingHttpResponse:
    """Recorded values as typed in, and computed indicators month by month for the period."""
    computed = [i for i in indicators if i.kind == Indicator.Kind.COMPUTED]
    series = indicator_series(computed, start=start, end=end, programme=programme) if computed else {}
    recorded = list(
        IndicatorValue.objects.filter(
            indicator__in=[i for i in indicators if i.kind == Indicator.Kind.RECORDED],
            recorded_on__gte=start,
            recorded_on__lte=end,
        ).order_by("indicator_id", "recorded_on", "id")
    )
    by_indicator: dict[int, list[IndicatorValue]] = {}
    for value in recorded:
        by_indicator.setdefault(value.indicator_id, []).append(value)

    def out():
        for indicator in indicators:
            aim = indicator.aim.title
            if indicator.kind == Indicator.Kind.RECORDED:
                for value in by_indicator.get(indicator.pk, []):
                    yield [
                        aim,
                        indicator.title,
                        "Recorded",
                        f"{value.recorded_on:%Y-%m-%d}",
                        _number(value.value),
                        indicator.unit,
                        value.source,
                        value.note,
                    ]
                continue
            metric = METRICS.get(indicator.metric)
            source = f"Worked out by Roundtable: {metric.label}" if metric else "Measure no longer available"
            for point in series[indicator.pk].points:
                yield [
                    aim,
                    indicator.title,
                    "Computed",
                    f"{point.period_start:%Y-%m}",
                    "" if point.value is None else _number(point.value),
                    series[indicator.pk].unit,
                    source,
                    "",
                ]

    return _stream(f"indicators-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv", INDICATOR_HEADER, out())


def _number(value) -> str:
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else f"{number:g}"
