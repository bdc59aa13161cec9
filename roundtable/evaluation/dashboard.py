"""The impact dashboard's data: per aim, what success looks like, its indicators (each a trend
chart, a data table and a summary) and its evidence — for a period and, optionally, a programme.

The same builder feeds the funder report (public=True keeps it to what may leave the team).

Query budget, whatever the volume of data: the aims, their indicators, their evidence (with
outputs) and Most Significant Change stories are one query each, and indicator_series costs its
own fixed number. Computed indicators are counted over one scope per page — the whole centre, or
one programme — so with no programme chosen, programme aims are listed with a link to their own
view instead of being counted over every programme's sessions (which would be wrong for them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q

from roundtable.cocreation.models import Programme
from roundtable.evaluation import charts
from roundtable.evaluation.indicators import METRICS, Series, indicator_series
from roundtable.evaluation.models import Aim, Evidence, Indicator, SignificantChangeStory
from roundtable.records.models import PUBLIC_CONSENTS, Output

EVIDENCE_PER_AIM = 12
STORIES_PER_AIM = 5


@dataclass
class IndicatorView:
    indicator: Indicator
    series: Series
    chart: str
    chart_id: str
    description: str

    @property
    def total_text(self) -> str:
        return charts.format_value(self.series.total, self.series.unit, with_unit=True)

    @property
    def target_text(self) -> str:
        target = self.indicator.target
        return charts.format_value(float(target), self.series.unit, with_unit=True) if target is not None else ""

    @property
    def rows(self) -> list[tuple[str, str]]:
        return [(p.label, charts.format_value(p.value, self.series.unit)) for p in self.series.points]

    @property
    def row_chunks(self) -> list[list[tuple[str, str]]]:
        """The figures a year to a row: how the PDF fits a long period across the page."""
        rows = self.rows
        return [rows[i : i + 12] for i in range(0, len(rows), 12)]


@dataclass
class EvidenceView:
    evidence: Evidence
    image_url: str = ""
    alt_text: str = ""
    width: int | None = None
    height: int | None = None
    data_uri: str = ""  # filled in for PDFs, which fetch nothing

    @property
    def output(self) -> Output | None:
        return self.evidence.output


@dataclass
class AimView:
    aim: Aim
    indicators: list[IndicatorView] = field(default_factory=list)
    evidence: list[EvidenceView] = field(default_factory=list)
    more_evidence: int = 0
    stories: list[SignificantChangeStory] = field(default_factory=list)
    counted: bool = True  # False: a programme aim on the whole-centre view, counted on its own page


@dataclass
class Dashboard:
    start: date
    end: date
    programme: Programme | None
    aims: list[AimView]
    other_aims: list[AimView]  # programme aims shown only as a pointer on the whole-centre view

    @property
    def scope_label(self) -> str:
        return self.programme.name if self.programme else "the whole centre"

    @property
    def indicator_count(self) -> int:
        return sum(len(a.indicators) for a in self.aims)


def _evidence_in_period(start: date, end: date, *, public: bool):
    qs = Evidence.objects.filter(
        Q(happened_on__gte=start, happened_on__lte=end)
        | Q(happened_on__isnull=True, created_at__date__gte=start, created_at__date__lte=end)
    ).select_related("output")
    if public:
        # Leaving the team: only evidence marked for reports, and outputs everyone agreed to share.
        qs = qs.filter(in_reports=True).exclude(
            Q(source=Evidence.Source.OUTPUT) & ~Q(output__consent__in=PUBLIC_CONSENTS)
        )
    return qs.order_by("-happened_on", "-id")


def _evidence_view(evidence: Evidence) -> EvidenceView:
    output = evidence.output
    if output is not None and output.kind == Output.Kind.IMAGE and output.thumb:
        width, height = output.thumb_size
        return EvidenceView(evidence, image_url=output.thumb_url, alt_text=output.alt_text, width=width, height=height)
    return EvidenceView(evidence)


def _describe(indicator: Indicator, series: Series) -> str:
    metric = METRICS.get(indicator.metric) if indicator.is_computed else None
    return indicator.description or (metric.description if metric else "")


def build(
    *,
    start: date,
    end: date,
    programme: Programme | None = None,
    public: bool = False,
    evidence_ids: set[int] | None = None,
) -> Dashboard:
    """Everything the dashboard or the funder report shows. `evidence_ids` narrows the evidence to
    a chosen set (the funder report's ticks)."""
    aims_qs = Aim.objects.select_related("programme").order_by("position", "id")
    if programme is not None:
        aims_qs = aims_qs.filter(Q(programme__isnull=True) | Q(programme=programme))
    evidence_qs = _evidence_in_period(start, end, public=public)
    if evidence_ids is not None:
        evidence_qs = evidence_qs.filter(pk__in=evidence_ids)
    stories_qs = SignificantChangeStory.objects.filter(
        Q(collected_on__gte=start, collected_on__lte=end)
        | Q(collected_on__isnull=True, created_at__date__gte=start, created_at__date__lte=end)
    ).order_by("-collected_on", "-id")
    if public:
        stories_qs = stories_qs.exclude(selected_by="")
    aims = list(
        aims_qs.prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "id")),
            Prefetch("evidence", queryset=evidence_qs, to_attr="period_evidence"),
            Prefetch("change_stories", queryset=stories_qs, to_attr="period_stories"),
        )
    )
    counted = [a for a in aims if programme is not None or a.programme_id is None]
    others = [a for a in aims if not (programme is not None or a.programme_id is None)]
    indicators = [i for a in counted for i in a.indicators.all()]
    series = indicator_series(indicators, start=start, end=end, programme=programme) if indicators else {}

    views = []
    for aim in counted:
        view = AimView(aim=aim)
        for indicator in aim.indicators.all():
            s = series[indicator.pk]
            chart_id = f"indicator-{indicator.pk}-chart"
            description = _describe(indicator, s)
            chart = charts.line_chart(
                chart_id=chart_id,
                title=f"{indicator.title}, by month",
                labels=[p.label for p in s.points],
                values=[p.value for p in s.points],
                unit=s.unit,
                description=s.summary,
            )
            view.indicators.append(IndicatorView(indicator, s, chart, chart_id, description))
        view.evidence = [_evidence_view(e) for e in aim.period_evidence[:EVIDENCE_PER_AIM]]
        view.more_evidence = max(len(aim.period_evidence) - EVIDENCE_PER_AIM, 0)
        view.stories = aim.period_stories[:STORIES_PER_AIM]
        views.append(view)
    other_views = [AimView(aim=a, counted=False) for a in others]
    return Dashboard(start=start, end=end, programme=programme, aims=views, other_aims=other_views)
