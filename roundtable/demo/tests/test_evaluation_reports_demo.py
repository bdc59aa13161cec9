"""`make demo` shows the reports with real content: two self-assessments six months apart and a
GRIPP2-SF draft; seeding twice changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.demo.evaluation_reports import GRIPP2_TITLE, seed_reports
from roundtable.evaluation.models import Gripp2Report, SelfAssessment, StandardRating

pytestmark = pytest.mark.django_db


def test_demo_reports_are_seeded_once_and_show_progress(coordinator_client):
    assert seed_reports() == {"assessments": 2, "gripp2_reports": 1}
    assert seed_reports() == {"assessments": 2, "gripp2_reports": 1}
    assert StandardRating.objects.count() == 12
    page = coordinator_client.get(reverse("evaluation:assessment_list")).content.decode()
    assert "went up" in page and 'role="img"' in page
    report = Gripp2Report.objects.get(title=GRIPP2_TITLE)
    assert report.methods.startswith("We held ")
    assert SelfAssessment.objects.order_by("assessed_on").last().ratings.get(standard="working_together").rating == 4
