"""The funder report: choose period, programme and evidence, download a PDF with the aims, charts,
evidence (photos with alt text) and the period's decisions and actions — and nothing private."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bench.evaluation_data import generate
from roundtable.workspace.forms.evaluation_reports import period_params
from roundtable.workspace.tests.evaluation_world import build_world

pytestmark = pytest.mark.django_db
URL = reverse("evaluation:funder_report")


@pytest.fixture
def world(coordinator):
    return build_world(coordinator)


def _pdf_text(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    return pdf, " ".join(page.extract_text() for page in pdf.pages)


def _download(client, world, evidence=(), programme=None):
    today = timezone.localdate()
    params = {**period_params(today - timedelta(days=90), today, programme), "download": "1"}
    return client.get(URL, {**params, "evidence": [str(e.pk) for e in evidence]})


def test_the_page_offers_only_evidence_that_may_leave_the_team_all_ticked(coordinator_client, world):
    page = coordinator_client.get(URL).content.decode()
    assert "Radiating questions" in page and "From carer to co-researcher" in page
    assert "The whole table" not in page  # a private photo
    assert "Not for the funder" not in page  # not marked for reports
    assert page.count('name="evidence"') == 2 and page.count("checked") >= 2


def test_the_pdf_has_the_aims_charts_evidence_decisions_and_actions(coordinator_client, world):
    response = _download(
        coordinator_client, world, evidence=[world.public_photo, world.story], programme=world.programme
    )
    pdf, text = _pdf_text(response)
    assert pdf.metadata.title.startswith("Impact report: Building the Centre together")
    assert pdf.trailer["/Root"]["/Lang"] == "en-GB"
    for aim in (world.centre_aim, world.programme_aim):
        assert aim.title in text
    assert "People came to sessions 5 times" in text  # the attendance chart's summary
    assert "Attendance: figures by month" in text  # its data table
    assert "A clay question mark with squiggly lines" in text  # the photo's alt text, in words
    assert "I came as a carer and left as a co-researcher." in text
    assert world.decision_title in text and world.done_action_title in text
    assert "Every agenda now has hourly breaks." in text
    images = {image.name for page in pdf.pages for image in page.images}
    assert len(images) == 1  # the chosen photo, embedded (pages share one copy)


def test_the_pdf_never_holds_private_evidence_even_if_asked(coordinator_client, world):
    response = _download(coordinator_client, world, evidence=[world.private_photo])
    assert response.status_code == 400
    assert "Choose evidence from the list for this period" in response.content.decode()
    response = _download(coordinator_client, world, evidence=[world.kept_back])
    assert response.status_code == 400


def test_unticked_evidence_stays_out(coordinator_client, world):
    _, text = _pdf_text(_download(coordinator_client, world, evidence=[world.story]))
    assert "I came as a carer" in text and "Radiating questions" not in text


def test_names_of_people_never_appear(coordinator_client, world):
    _, text = _pdf_text(_download(coordinator_client, world, evidence=[world.story]))
    assert "Attendee" not in text and "@example.org" not in text


def test_a_bad_period_is_refused_with_a_message(coordinator_client, world):
    response = coordinator_client.get(
        URL, {"start_day": "40", "start_month": "1", "start_year": "2026", "download": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page and "The start date must be a real date" in page


def test_changing_the_period_reloads_the_evidence_list(coordinator_client, world):
    today = timezone.localdate()
    page = coordinator_client.get(URL, period_params(today - timedelta(days=10), today)).content.decode()
    assert "Radiating questions" not in page  # from 40 days ago
    assert "There is no evidence marked for reports in this period" in page


def test_the_pdf_costs_the_same_queries_with_ten_times_the_data(client, django_assert_num_queries):
    end = timezone.localdate() - timedelta(days=1)
    small = generate(sessions=12, people=60, bookings=360, feedback=80, photos=1, end=end, years=1, seed=7)
    client.force_login(small["coordinator"])
    params = {"download": "1"}
    with CaptureQueriesContext(connection) as at_small:
        small_pdf = client.get(URL, params)
    assert small_pdf.status_code == 200
    generate(sessions=120, people=600, bookings=6000, feedback=900, photos=1, end=end, years=1, seed=8)
    with django_assert_num_queries(len(at_small)):
        big_pdf = client.get(URL, params)
    _, text = _pdf_text(big_pdf)
    assert "Decisions and actions" in text


def test_typed_html_reads_as_text_in_the_pdf(coordinator_client, world):
    world.centre_aim.title = "<b>Heard</b> & <script>x()</script>"
    world.centre_aim.save()
    _, text = _pdf_text(_download(coordinator_client, world))
    assert "<b>Heard</b> & <script>x()</script>" in text
