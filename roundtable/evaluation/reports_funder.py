"""The funder report: the aims with their indicators (charts, tables, summaries), chosen evidence
with images and alt text, and the period's decisions and actions — rendered to PDF by core.pdf.

It leaves the team, so it holds only what may: evidence marked for reports, outputs everyone agreed
to share, and counts rather than names. A fixed number of queries whatever the volume: the
dashboard's, plus two for decisions and actions and one for action counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from roundtable.cocreation.models import Programme, Session
from roundtable.evaluation import dashboard as dashboards
from roundtable.evaluation.costs import period_costs
from roundtable.evaluation.models import Aim, Evidence
from roundtable.records.models import Action, ActionStatus, Decision

# A funder reads the headline and a selection; the full record stays in Roundtable. Bounding the
# list keeps a busy year's PDF to a readable length and its rendering time flat.
DECISIONS_LISTED = 40


@dataclass
class ActionCounts:
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts.get(ActionStatus.DONE, 0)

    @property
    def share_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def rows(self) -> list[tuple[str, int]]:
        return [(label, self.counts.get(value, 0)) for value, label in ActionStatus.choices]


def _in_period(start: date, end: date, programme: Programme | None, prefix: str) -> Q:
    zone = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(start, time.min), zone)
    hi = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    q = Q(**{f"{prefix}starts_at__gte": lo, f"{prefix}starts_at__lt": hi, f"{prefix}status": Session.Status.PUBLISHED})
    if programme is not None:
        q &= Q(**{f"{prefix}programme": programme})
    return q


def evidence_candidates(*, start: date, end: date, programme: Programme | None) -> list[Evidence]:
    """Evidence that may go in the report: marked for reports, linked to an aim in scope, in the period."""
    # As on the dashboard: the whole centre's report holds centre-wide aims; a programme's adds its own.
    scope = Q(programme__isnull=True) if programme is None else Q(programme__isnull=True) | Q(programme=programme)
    aims = Aim.objects.filter(scope)
    return list(
        dashboards._evidence_in_period(start, end, public=True)
        .filter(aims__in=aims)
        .distinct()
        .order_by("-happened_on", "-id")[:200]
    )


def report_context(*, start: date, end: date, programme: Programme | None, evidence_ids: set[int]) -> dict:
    board = dashboards.build(start=start, end=end, programme=programme, public=True, evidence_ids=evidence_ids)
    decisions_q = Decision.objects.filter(_in_period(start, end, programme, "session__"))
    decision_count = decisions_q.count()
    decisions = list(
        decisions_q.select_related("session")
        .prefetch_related(Prefetch("actions", queryset=Action.objects.order_by("due_on", "id")))
        .order_by("-session__starts_at", "position", "id")[:DECISIONS_LISTED]
    )
    counts = {
        row["status"]: row["n"]
        for row in Action.objects.filter(_in_period(start, end, programme, "decision__session__"))
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    }
    return {
        "board": board,
        "decisions": decisions,
        "decision_count": decision_count,
        "more_decisions": max(decision_count - len(decisions), 0),
        "actions": ActionCounts(counts),
        "generated": timezone.localdate(),
        "costs": period_costs(start=start, end=end, programme=programme),
    }
