"""Demo data for the reports: two UK Standards self-assessments six months apart (so progress
shows) and a GRIPP2-SF draft filled in from the demo's own sessions. Idempotent: run it twice
and nothing doubles. Runs after seed_evaluation(), whose aims and feedback the draft reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.cocreation.models import Programme
from roundtable.demo.evaluation import PROGRAMME_SLUG
from roundtable.evaluation.models import Gripp2Report, SelfAssessment, Standard
from roundtable.evaluation.reports_assessment import assessment_save
from roundtable.evaluation.reports_gripp2 import gripp2_start

GRIPP2_TITLE = "Public involvement in building the Centre: the last 12 months"

# (rating six months ago, rating now, reflection, follow-up) per standard, in the standards' order.
ASSESSMENTS = {
    Standard.INCLUSIVE_OPPORTUNITIES: (
        2,
        3,
        "Sessions are open to everyone and we hold places for newcomers, but few young people come.",
        "Run one session with the youth panel, on a Saturday.",
    ),
    Standard.WORKING_TOGETHER: (
        3,
        4,
        "No job titles; decisions are made together and recorded with how they were made.",
        "Keep rotating who facilitates.",
    ),
    Standard.SUPPORT_AND_LEARNING: (
        1,
        2,
        "We explain co-production at the start of each session; there is no training yet.",
        "Offer a short introduction before the autumn sessions.",
    ),
    Standard.COMMUNICATIONS: (
        2,
        3,
        "Easy read agendas on request; 'you said, we did' goes to everyone who asks.",
        "Send papers a week ahead in large print by default.",
    ),
    Standard.IMPACT: (
        2,
        2,
        "We record decisions and actions, but rarely tell people what changed in research.",
        "Add an impact story to each newsletter.",
    ),
    Standard.GOVERNANCE: (
        1,
        2,
        "Two public members now sit on the steering group.",
        "Pay public members of the steering group for their time.",
    ),
}


def _coordinator() -> User | None:
    return User.objects.filter(role=User.Role.COORDINATOR, is_active=True).order_by("id").first()


@transaction.atomic
def seed_reports() -> dict[str, int]:
    actor = _coordinator()
    if actor is None:
        raise RuntimeError("seed_reports runs after seed_evaluation, which makes sure there is a coordinator")
    today = timezone.localdate()
    for when, column in ((today - timedelta(days=190), 0), (today - timedelta(days=10), 1)):
        if SelfAssessment.objects.filter(assessed_on=when).exists():
            continue
        ratings: dict[str, dict[str, Any]] = {
            code: {"rating": values[column], "reflection": values[2], "follow_up": values[3]}
            for code, values in ASSESSMENTS.items()
        }
        assessment_save(
            actor=actor,
            assessed_on=when,
            notes="Rated together at a team meeting, with two public members of the steering group.",
            ratings=ratings,
        )
    if not Gripp2Report.objects.filter(title=GRIPP2_TITLE).exists():
        programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
        gripp2_start(actor=actor, title=GRIPP2_TITLE, start=today - timedelta(days=365), end=today, programme=programme)
    return {"assessments": SelfAssessment.objects.count(), "gripp2_reports": Gripp2Report.objects.count()}
