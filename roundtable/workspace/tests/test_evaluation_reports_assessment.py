"""UK Standards for Public Involvement self-assessment: all six standards rated with words, a
reflection and follow-up; one assessment per date, kept over time so progress shows."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.core.models import AuditEntry
from roundtable.evaluation.models import SelfAssessment, Standard, StandardRating
from roundtable.workspace.tests.evaluation_world import assessment_post

pytestmark = pytest.mark.django_db
NEW = reverse("evaluation:assessment_create")
LIST = reverse("evaluation:assessment_list")


def _save(client, day: date, ratings: dict[str, int] | None = None, url: str = NEW, **extra):
    return client.post(url, assessment_post(day, ratings, **extra))


def test_coordinator_rates_all_six_standards_with_reflections_and_follow_up(coordinator_client, coordinator):
    day = timezone.localdate() - timedelta(days=1)
    response = _save(coordinator_client, day, notes="At the team away day")
    assessment = SelfAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "evaluation:assessment_detail", args=[assessment.pk]
    )
    assert assessment.assessed_on == day and assessment.notes == "At the team away day"
    ratings = {r.standard: r for r in assessment.ratings.all()}
    assert set(ratings) == set(Standard.values)
    assert ratings["inclusive_opportunities"].reflection == "What shows it for inclusive_opportunities"
    assert ratings["governance"].follow_up == "Next step for governance"
    assert AuditEntry.objects.filter(verb="assessment.create", actor=coordinator).count() == 1
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Embedded: this is how we always work" in page  # the rating is shown in words


def test_the_form_shows_each_standards_own_statement_and_last_times_answer(coordinator_client):
    _save(coordinator_client, timezone.localdate() - timedelta(days=90), {"communications": 2})
    page = coordinator_client.get(NEW).content.decode()
    assert "Use plain language for well-timed and relevant communications" in page
    assert page.count('type="radio"') == 6 * 4
    assert "Starting: we have made a start" in page  # last time's rating for communications
    assert "Follow-up you planned: Next step for communications" in page


def test_missing_ratings_and_reflections_are_named_next_to_each_field(coordinator_client):
    data = assessment_post(timezone.localdate())
    del data["impact_rating"]
    data["working_together_reflection"] = "   "
    response = coordinator_client.post(NEW, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "Choose a rating for impact" in page and "Enter a reflection on working together" in page
    assert 'href="#id_impact_rating_0"' in page and 'id="id_impact_rating_0"' in page
    assert 'id="id_working_together_reflection-error"' in page
    assert not SelfAssessment.objects.exists() and not StandardRating.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"impact_rating": "5"}, "Select a valid choice"),
        ({"impact_rating": "0"}, "Select a valid choice"),
        ({"assessed_on_day": "31", "assessed_on_month": "2"}, "must be a real date"),
        ({"assessed_on_day": ""}, "must include a day"),
        ({"notes": "x" * 10_001}, "10,000 characters or fewer"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(coordinator_client, change, message):
    response = coordinator_client.post(NEW, {**assessment_post(date(2026, 1, 5)), **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_an_assessment_cannot_be_dated_in_the_future(coordinator_client):
    response = _save(coordinator_client, timezone.localdate() + timedelta(days=1))
    assert response.status_code == 400
    assert "must be today or in the past" in response.content.decode()


def test_one_assessment_per_date(coordinator_client):
    day = date(2026, 3, 1)
    _save(coordinator_client, day)
    response = _save(coordinator_client, day)
    assert response.status_code == 400
    assert "There is already a self-assessment on 1 March 2026" in response.content.decode()
    assert SelfAssessment.objects.count() == 1


def test_changing_an_assessment_replaces_its_ratings(coordinator_client):
    _save(coordinator_client, date(2026, 3, 1), {"impact": 1})
    assessment = SelfAssessment.objects.get()
    url = reverse("evaluation:assessment_edit", args=[assessment.pk])
    form = coordinator_client.get(url).content.decode()
    assert re.search(r">\s*What shows it for impact</textarea>", form)  # the form starts from what was saved
    response = _save(coordinator_client, date(2026, 3, 2), {"impact": 3}, url=url)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.assessed_on == date(2026, 3, 2)
    assert assessment.ratings.count() == 6
    assert assessment.ratings.get(standard="impact").rating == 3


def test_progress_shows_in_a_comparison_table_a_chart_and_a_summary(coordinator_client):
    _save(coordinator_client, date(2026, 1, 10), {"impact": 1, "governance": 3})
    _save(coordinator_client, date(2026, 6, 10), {"impact": 3, "governance": 2})
    page = re.sub(r"\s+", " ", coordinator_client.get(LIST).content.decode())
    assert "10 Jan 2026</th>" in page and "10 Jun 2026</th>" in page
    impact_row = re.search(r"<th scope=\"row\" class=\"govuk-table__header\">Impact</th>(.*?)</tr>", page).group(1)
    assert "1 Not yet" in impact_row and "3 Developing" in impact_row and "Up 2" in impact_row
    governance_row = re.search(
        r"<th scope=\"row\" class=\"govuk-table__header\">Governance</th>(.*?)</tr>", page
    ).group(1)
    assert "Down 1" in governance_row
    assert 'role="img"' in page and 'aria-labelledby="standards-chart-title"' in page
    assert "Since 10 January 2026:" in page  # the plain-English summary beside the chart


def test_typed_html_is_escaped_on_every_page(coordinator_client):
    data = assessment_post(date(2026, 2, 2), notes="<script>alert('notes')</script>")
    data["impact_reflection"] = "<img src=x onerror=alert(1)>"
    coordinator_client.post(NEW, data)
    assessment = SelfAssessment.objects.get()
    for url in (
        LIST,
        reverse("evaluation:assessment_detail", args=[assessment.pk]),
        reverse("evaluation:assessment_edit", args=[assessment.pk]),
    ):
        page = coordinator_client.get(url).content.decode()
        assert "<script>alert(" not in page and "<img src=x" not in page


def test_deleting_an_assessment_asks_first_then_removes_it_and_its_ratings(coordinator_client, coordinator):
    _save(coordinator_client, date(2026, 2, 2))
    assessment = SelfAssessment.objects.get()
    url = reverse("evaluation:assessment_delete", args=[assessment.pk])
    assert "Are you sure" in coordinator_client.get(url).content.decode()
    assert SelfAssessment.objects.exists()
    assert coordinator_client.post(url).status_code == 302
    assert not SelfAssessment.objects.exists() and not StandardRating.objects.exists()
    assert AuditEntry.objects.filter(verb="assessment.delete", actor=coordinator).exists()


def test_the_list_costs_the_same_queries_with_many_assessments(coordinator_client, django_assert_num_queries):
    for month in (1, 2):
        _save(coordinator_client, date(2025, month, 1))
    with django_assert_num_queries(4):  # session, user, assessments, the compared ratings
        coordinator_client.get(LIST)
    for month in range(3, 13):
        _save(coordinator_client, date(2025, month, 1))
    with django_assert_num_queries(4):
        page = coordinator_client.get(LIST).content.decode()
    assert page.count("/self-assessment/") >= 12
