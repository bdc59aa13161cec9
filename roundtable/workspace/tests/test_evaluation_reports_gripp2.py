"""GRIPP2-SF reports: a draft pre-filled from the period's data, edited, then exported as PDF and
Markdown with the five items of the short form."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from roundtable.core.models import AuditEntry
from roundtable.evaluation import reports_gripp2
from roundtable.evaluation.models import Gripp2Report
from roundtable.workspace.forms.evaluation_reports import period_params
from roundtable.workspace.tests.evaluation_world import build_world

pytestmark = pytest.mark.django_db
LIST = reverse("evaluation:gripp2_list")
HEADINGS = ["Aim of involvement", "Methods", "Outcomes", "Influence on the work", "Reflections"]


@pytest.fixture
def world(coordinator):
    return build_world(coordinator)


def _start(client, world, programme=None, title="Involvement in 2026"):
    today = timezone.localdate()
    return client.post(LIST, {"title": title, **period_params(today - timedelta(days=60), today, programme)})


def test_a_new_draft_is_filled_in_from_what_was_recorded(coordinator_client, world, coordinator):
    response = _start(coordinator_client, world, programme=world.programme)
    report = Gripp2Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:gripp2_edit", args=[report.pk])
    assert report.programme == world.programme
    # Two sessions in the programme: 3 + 2 came (5 times), 4 different people, 4 newcomers.
    assert "We held 2 co-creation sessions" in report.methods
    assert "People came 5 times in all: 4 different people, 4 newcomers" in report.methods
    assert "Clay and conversation" in report.methods and "Community research day" not in report.methods
    assert world.decision_title in report.outcomes
    assert (
        "The sessions led to 2 actions for the team: 1 planned, 0 in progress, 1 done, 0 not doing." in report.outcomes
    )
    assert "Was your voice heard? 5.0" in report.outcomes
    assert "Change the agenda template: Every agenda now has hourly breaks." in report.influence
    assert "play-doh (2)" in report.reflections  # the word both feedback answers used
    assert "Everyone's voice counts" in report.aim and "The Centre is built with the public" in report.aim
    assert AuditEntry.objects.filter(verb="gripp2.create", actor=coordinator).exists()


def test_the_edit_page_shows_the_five_items_with_what_each_asks_for(coordinator_client, world):
    _start(coordinator_client, world)
    page = coordinator_client.get(
        reverse("evaluation:gripp2_edit", args=[Gripp2Report.objects.get().pk])
    ).content.decode()
    for heading in HEADINGS:
        assert f">{heading}</label>" in page
    assert "How far the involvement changed the work" in page


def test_edits_are_saved_and_used_by_both_exports(coordinator_client, world):
    _start(coordinator_client, world)
    report = Gripp2Report.objects.get()
    url = reverse("evaluation:gripp2_edit", args=[report.pk])
    data = {
        "title": "Our year of involvement",
        "aim": "To plan the Centre with the public.",
        "methods": "Monthly sessions.",
        "outcomes": "Hourly breaks.",
        "influence": "The agenda changed.",
        "reflections": "Start later in the day.",
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title == "Our year of involvement" and report.reflections == "Start later in the day."
    markdown = coordinator_client.get(reverse("evaluation:gripp2_markdown", args=[report.pk])).content.decode()
    assert "Monthly sessions." in markdown and "Start later in the day." in markdown
    pdf = PdfReader(io.BytesIO(coordinator_client.get(reverse("evaluation:gripp2_pdf", args=[report.pk])).content))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "The agenda changed." in text


def test_markdown_export_has_the_five_gripp2_headings(coordinator_client, world):
    _start(coordinator_client, world)
    report = Gripp2Report.objects.get()
    response = coordinator_client.get(reverse("evaluation:gripp2_markdown", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="gripp2-involvement-in-2026.md"'
    body = response.content.decode()
    assert body.startswith("# Involvement in 2026\n")
    # The five short-form items, then the long form's costs (worked out from payments, not typed).
    assert re.findall(r"^## \d\. (.+)$", body, flags=re.MULTILINE) == [*HEADINGS, "Costs"]


def test_pdf_export_opens_with_its_title_language_and_five_headings(coordinator_client, world):
    _start(coordinator_client, world)
    report = Gripp2Report.objects.get()
    response = coordinator_client.get(reverse("evaluation:gripp2_pdf", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    assert pdf.metadata.title == "Involvement in 2026"
    assert pdf.trailer["/Root"]["/Lang"] == "en-GB"
    text = " ".join(page.extract_text() for page in pdf.pages)
    for n, heading in enumerate(HEADINGS, start=1):
        assert f"{n}. {heading}" in text
    assert world.decision_title in text
    assert world.centre_aim.title in text and world.programme_aim.title in text


def test_typed_html_and_headings_stay_text_in_the_markdown(coordinator_client, world):
    _start(coordinator_client, world)
    report = Gripp2Report.objects.get()
    reports_gripp2.gripp2_update(
        actor=world.coordinator,
        report=report,
        title="<b>Bold</b>",
        aim="<script>alert(1)</script>\n## Not a heading",
    )
    body = coordinator_client.get(reverse("evaluation:gripp2_markdown", args=[report.pk])).content.decode()
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "# &lt;b&gt;Bold&lt;/b&gt;" in body
    assert "\\## Not a heading" in body
    assert len(re.findall(r"^## ", body, flags=re.MULTILINE)) == 6  # five items and the costs
    page = coordinator_client.get(reverse("evaluation:gripp2_edit", args=[report.pk])).content.decode()
    assert "<script>alert(1)" not in page


def test_a_draft_needs_a_title_and_a_sensible_period(coordinator_client, world):
    today = timezone.localdate()
    response = coordinator_client.post(LIST, {"title": "", **period_params(today, today - timedelta(days=5))})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a title" in page and "The end date must be the same as or after the start date" in page
    assert not Gripp2Report.objects.exists()


def test_saving_without_a_title_is_refused(coordinator_client, world):
    _start(coordinator_client, world)
    report = Gripp2Report.objects.get()
    response = coordinator_client.post(
        reverse("evaluation:gripp2_edit", args=[report.pk]), {"title": "", "aim": "Changed"}
    )
    assert response.status_code == 400
    assert "Enter a title" in response.content.decode()
    report.refresh_from_db()
    assert report.title == "Involvement in 2026" and report.aim != "Changed"


def test_deleting_a_report_asks_first(coordinator_client, world):
    _start(coordinator_client, world)
    report = Gripp2Report.objects.get()
    url = reverse("evaluation:gripp2_delete", args=[report.pk])
    assert "Are you sure" in coordinator_client.get(url).content.decode()
    assert coordinator_client.post(url).status_code == 302
    assert not Gripp2Report.objects.exists()


def test_the_prefill_costs_the_same_queries_however_much_was_recorded(coordinator, django_assert_num_queries):
    from bench.evaluation_data import generate

    end = timezone.localdate()
    start = end - timedelta(days=365)
    generate(sessions=10, people=50, bookings=300, feedback=60, photos=0, end=end - timedelta(days=1), years=1, seed=3)
    with django_assert_num_queries(13):
        small = reports_gripp2.gather(start=start, end=end)
    generate(
        sessions=100, people=500, bookings=5000, feedback=900, photos=0, end=end - timedelta(days=1), years=1, seed=4
    )
    with django_assert_num_queries(13):
        big = reports_gripp2.gather(start=start, end=end)
    assert big.totals["attendance"] > small.totals["attendance"]
    assert len(big.sessions) == reports_gripp2.SESSIONS_LISTED
