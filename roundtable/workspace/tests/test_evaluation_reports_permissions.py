"""Reports are for coordinators only: visitors, facilitators and participants holding a private
manage link never see a dashboard, an export or a self-assessment, and cannot write any."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.models import ManageLink
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.evaluation.models import Gripp2Report, SelfAssessment, Standard, StandardRating
from roundtable.evaluation.reports_assessment import assessment_save
from roundtable.workspace.tests.evaluation_world import assessment_post

pytestmark = pytest.mark.django_db
SECRET = "Only the team may read this reflection"


@pytest.fixture
def reports(coordinator):
    report = Gripp2Report.objects.create(
        title="Involvement report", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), aim=SECRET
    )
    ratings = {code: {"rating": 2, "reflection": SECRET, "follow_up": ""} for code in Standard.values}
    assessment = assessment_save(actor=coordinator, assessed_on=date(2026, 2, 1), notes="", ratings=ratings)
    return report, assessment


def _urls(report, assessment) -> tuple[list[str], list[str], list[tuple[str, dict]]]:
    """(pages that name nothing, pages that name an object, writes)."""
    lists = [
        reverse("evaluation:dashboard"),
        reverse("evaluation:funder_report"),
        reverse("evaluation:funder_report") + "?download=1",
        reverse("evaluation:gripp2_list"),
        reverse("evaluation:assessment_list"),
        reverse("evaluation:assessment_create"),
    ]
    objects = [
        reverse("evaluation:gripp2_edit", args=[report.pk]),
        reverse("evaluation:gripp2_pdf", args=[report.pk]),
        reverse("evaluation:gripp2_markdown", args=[report.pk]),
        reverse("evaluation:gripp2_delete", args=[report.pk]),
        reverse("evaluation:assessment_detail", args=[assessment.pk]),
        reverse("evaluation:assessment_edit", args=[assessment.pk]),
        reverse("evaluation:assessment_delete", args=[assessment.pk]),
    ]
    writes = [
        (reverse("evaluation:gripp2_list"), {"title": "Sneaky"}),
        (reverse("evaluation:gripp2_edit", args=[report.pk]), {"title": "Changed", "aim": "Changed"}),
        (reverse("evaluation:gripp2_delete", args=[report.pk]), {}),
        (reverse("evaluation:assessment_create"), assessment_post(date(2026, 3, 3))),
        (reverse("evaluation:assessment_edit", args=[assessment.pk]), assessment_post(date(2026, 3, 4))),
        (reverse("evaluation:assessment_delete", args=[assessment.pk]), {}),
    ]
    return lists, objects, writes


def _nothing_changed(report, assessment) -> None:
    assert Gripp2Report.objects.get().title == "Involvement report"
    assert list(SelfAssessment.objects.values_list("pk", "assessed_on")) == [(assessment.pk, date(2026, 2, 1))]
    assert StandardRating.objects.count() == 6


def test_a_visitor_is_sent_to_sign_in_and_object_urls_do_not_exist(client, reports):
    lists, objects, writes = _urls(*reports)
    for url in lists:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
    for url in objects:
        assert client.get(url).status_code == 404, url
    for url, data in writes:
        assert client.post(url, data).status_code in (302, 404), url
    _nothing_changed(*reports)


def test_a_facilitator_is_refused_everywhere(client, reports):
    client.force_login(make_facilitator())
    lists, objects, writes = _urls(*reports)
    for url in lists + objects:
        response = client.get(url)
        assert response.status_code == 403, url
        assert SECRET.encode() not in response.content
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    _nothing_changed(*reports)


def test_a_participants_manage_link_opens_none_of_these(client, reports):
    result = signup(make_session())
    token = ManageLink.mint(booking=result.booking)
    assert client.get(reverse("bookings:manage", args=[token])).status_code == 200
    lists, objects, writes = _urls(*reports)
    for url in lists + objects:
        for attempt in (url, f"{url}{'&' if '?' in url else '?'}token={token}"):
            response = client.get(attempt)
            assert response.status_code in (302, 404), attempt
            assert SECRET.encode() not in response.content
            assert response.get("Content-Type", "").startswith("text/html") or response.status_code == 302
    for url, data in writes:
        assert client.post(url, {**data, "token": token}).status_code in (302, 404), url
    _nothing_changed(*reports)


def test_a_coordinator_opens_every_page_and_export(coordinator_client, reports):
    lists, objects, _ = _urls(*reports)
    for url in lists + objects:
        assert coordinator_client.get(url).status_code == 200, url


def test_a_missing_report_or_assessment_is_not_found(coordinator_client, reports):
    for name in ("gripp2_edit", "gripp2_pdf", "gripp2_markdown", "assessment_detail", "assessment_edit"):
        assert coordinator_client.get(reverse(f"evaluation:{name}", args=[999999])).status_code == 404, name
