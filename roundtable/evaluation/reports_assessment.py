"""UK Standards for Public Involvement self-assessments: saving one (all six standards at once),
and reading them back over time so progress shows — a comparison table, a chart and a summary.

Reads cost two queries however many assessments there are (the assessments, then every rating).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roundtable.accounts.models import User
from roundtable.core import audit
from roundtable.evaluation import charts
from roundtable.evaluation.models import Rating, SelfAssessment, Standard, StandardRating
from roundtable.evaluation.models.reports import STANDARD_STATEMENTS

# Columns in the comparison table and bars per standard in the chart: enough to see a trend,
# few enough to read at 320px (the full list of assessments is linked below the table).
COMPARE_LAST = 4


def _errors(ratings: dict[str, dict]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for code, label in Standard.choices:
        given = ratings.get(code) or {}
        if given.get("rating") not in Rating.values:
            errors[f"{code}_rating"] = f"Choose a rating for {label.lower()}"
        if not str(given.get("reflection") or "").strip():
            errors[f"{code}_reflection"] = f"Enter a reflection on {label.lower()}"
    unknown = set(ratings) - set(Standard.values)
    if unknown:
        errors["__all__"] = "Rate only the six UK Standards for Public Involvement"
    return errors


def _date_taken(assessed_on: date) -> ValidationError:
    return ValidationError(
        {
            "assessed_on": [
                f"There is already a self-assessment on {assessed_on:%-d %B %Y}. Choose another date or change that one."
            ]
        }
    )


def assessment_save(
    *,
    actor: User,
    assessed_on: date,
    notes: str,
    ratings: dict[str, dict],
    assessment: SelfAssessment | None = None,
) -> SelfAssessment:
    """Create a self-assessment, or replace an existing one's date, notes and six ratings."""
    errors = _errors(ratings)
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    try:
        with transaction.atomic():
            clash = SelfAssessment.objects.filter(assessed_on=assessed_on)
            if assessment is not None:
                clash = clash.exclude(pk=assessment.pk)
            if clash.exists():
                raise _date_taken(assessed_on)
            if assessment is None:
                assessment = SelfAssessment.objects.create(
                    assessed_on=assessed_on, notes=notes, created_by=actor, updated_by=actor
                )
                verb = "assessment.create"
            else:
                assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
                assessment.assessed_on, assessment.notes, assessment.updated_by = assessed_on, notes, actor
                assessment.save()
                assessment.ratings.all().delete()
                verb = "assessment.update"
            StandardRating.objects.bulk_create(
                [
                    StandardRating(
                        assessment=assessment,
                        standard=code,
                        rating=ratings[code]["rating"],
                        reflection=ratings[code]["reflection"].strip(),
                        follow_up=(ratings[code].get("follow_up") or "").strip(),
                    )
                    for code in Standard.values
                ]
            )
            audit.log(actor, verb, assessment, ratings={code: ratings[code]["rating"] for code in Standard.values})
    except IntegrityError:
        # Two coordinators saving the same date at once: the unique constraint decides.
        raise _date_taken(assessed_on) from None
    return assessment


@transaction.atomic
def assessment_delete(*, actor: User, assessment: SelfAssessment) -> None:
    audit.log(actor, "assessment.delete", assessment, assessed_on=assessment.assessed_on.isoformat())
    assessment.delete()


# --- Reading them back ------------------------------------------------------------------------


@dataclass
class Row:
    standard: str
    label: str
    statement: str
    cells: list[StandardRating | None]  # one per compared assessment, oldest first
    change: int | None  # latest minus the one before, when both exist
    columns: list[tuple[SelfAssessment, StandardRating | None]] = field(default_factory=list)

    @property
    def change_words(self) -> str:
        if self.change is None:
            return "Not compared yet"
        if self.change > 0:
            return f"Up {self.change}"
        if self.change < 0:
            return f"Down {-self.change}"
        return "No change"


@dataclass
class History:
    assessments: list[SelfAssessment]  # every assessment, newest first
    compared: list[SelfAssessment]  # the last few, oldest first
    rows: list[Row] = field(default_factory=list)
    chart: str = ""
    summary: str = ""


def _summary(rows: list[Row], compared: list[SelfAssessment]) -> str:
    if not compared:
        return "No self-assessments yet."
    latest = {r.label: r.cells[-1].rating for r in rows if r.cells[-1]}
    text = [f"The latest self-assessment is from {compared[-1].assessed_on:%-d %B %Y}."]
    if latest:
        high, low = max(latest.values()), min(latest.values())
        text.append(f"Rated highest: {_join([k for k, v in latest.items() if v == high])} ({Rating(high).short}).")
        if low != high:
            text.append(
                f"Most room to grow: {_join([k for k, v in latest.items() if v == low])} ({Rating(low).short})."
            )
    if len(compared) > 1:
        up = sum(1 for r in rows if (r.change or 0) > 0)
        down = sum(1 for r in rows if (r.change or 0) < 0)
        same = sum(1 for r in rows if r.change == 0)
        text.append(
            f"Since {compared[-2].assessed_on:%-d %B %Y}: {_count(up)} went up, {_count(down)} went down "
            f"and {_count(same)} stayed the same."
        )
    else:
        text.append("Once there is a second assessment, the changes show here.")
    return " ".join(text)


def _count(n: int) -> str:
    return f"{'no' if n == 0 else n} standard{'' if n == 1 else 's'}"


def _join(items: list[str]) -> str:
    items = [i.lower() for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def assessment_history(*, with_chart: bool = True) -> History:
    assessments = list(SelfAssessment.objects.order_by("-assessed_on"))
    compared = list(reversed(assessments[:COMPARE_LAST]))
    by_assessment: dict[int, dict[str, StandardRating]] = {a.pk: {} for a in compared}
    for rating in StandardRating.objects.filter(assessment__in=[a.pk for a in compared]):
        by_assessment[rating.assessment_id][rating.standard] = rating
    rows = []
    for code, label in Standard.choices:
        cells = [by_assessment[a.pk].get(code) for a in compared]
        change = cells[-1].rating - cells[-2].rating if len(cells) > 1 and cells[-1] and cells[-2] else None
        rows.append(
            Row(
                standard=code,
                label=label,
                statement=STANDARD_STATEMENTS[code],
                cells=cells,
                change=change,
                columns=list(zip(compared, cells, strict=True)),
            )
        )
    history = History(assessments=assessments, compared=compared, rows=rows)
    history.summary = _summary(rows, compared)
    if with_chart and compared:
        history.chart = charts.grouped_bar_chart(
            chart_id="standards-chart",
            title="Self-assessment ratings by standard" + (", compared over time" if len(compared) > 1 else ""),
            categories=[label for _, label in Standard.choices],
            series=[
                (f"{a.assessed_on:%-d %b %Y}", [c.rating if c else None for c in (row.cells[i] for row in rows)])
                for i, a in enumerate(compared)
            ],
            scale_max=4,
            scale_labels=["0", "1 Not yet", "2 Starting", "3 Developing", "4 Embedded"],
            description=history.summary,
        )
    return history


def assessment_with_ratings(
    assessment: SelfAssessment,
) -> tuple[list[StandardRating], SelfAssessment | None, dict[str, StandardRating]]:
    """One assessment's ratings in the standards' order, and the assessment before it with its ratings."""
    order = {code: n for n, code in enumerate(Standard.values)}
    ratings = sorted(assessment.ratings.all(), key=lambda r: order.get(r.standard, 99))
    previous = SelfAssessment.objects.filter(assessed_on__lt=assessment.assessed_on).order_by("-assessed_on").first()
    before = {r.standard: r for r in previous.ratings.all()} if previous else {}
    return ratings, previous, before
