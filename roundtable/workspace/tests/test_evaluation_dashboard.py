"""The impact dashboard: per aim, what success looks like, every indicator as a chart with its data
table and summary, and the evidence; filtered by period and programme; a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.evaluation_data import generate
from roundtable.workspace.forms.evaluation_reports import period_params
from roundtable.workspace.tests.evaluation_world import build_world

pytestmark = pytest.mark.django_db
URL = reverse("evaluation:dashboard")


@pytest.fixture
def world(coordinator):
    return build_world(coordinator)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_dashboard_shows_each_aim_with_what_success_looks_like_and_its_indicators(coordinator_client, world):
    response = coordinator_client.get(URL)
    assert response.status_code == 200
    page = _text(response)
    assert "Everyone&#x27;s voice counts" in page
    assert "People of every background come back and say they were heard." in page
    # Six attendances in the last 12 months across the whole centre: 3 + 2 in the programme, 1 elsewhere
    # (the cancellation and the no-show do not count).
    assert "People came to sessions 6 times" in page
    assert "6 attendances" in page


def test_every_chart_has_a_title_a_data_table_and_a_summary_beside_it(coordinator_client, world):
    page = coordinator_client.get(URL).content.decode()
    svgs = re.findall(r"<svg\b[^>]*>", page)
    assert len(svgs) == 2  # the centre aim's two indicators
    for tag in svgs:
        chart_id = re.search(r'id="([^"]+)"', tag).group(1)
        assert 'role="img"' in tag and f'aria-labelledby="{chart_id}-title"' in tag
        assert f'<title id="{chart_id}-title">' in page
        assert f'id="{chart_id}-summary"' in page  # the text summary
    assert page.count("figures by month</caption>") == 2
    month = timezone.localdate().strftime("%b %Y")
    assert f'<th scope="row" class="govuk-table__header">{month} (so far)</th>' in page


def test_charts_obey_the_strict_csp_and_never_share_ids(coordinator_client, world):
    page = coordinator_client.get(URL).content.decode()
    svg_parts = re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)
    assert svg_parts
    for svg in svg_parts:
        assert "style=" not in svg and "<style" not in svg
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_evidence_shows_photos_with_their_alt_text_and_stories(coordinator_client, world):
    page = _text(coordinator_client.get(URL))
    assert 'alt="A clay question mark with squiggly lines"' in page
    assert "I came as a carer and left as a co-researcher." in page
    assert "Letters people can read" in page  # the Most Significant Change story


def test_choosing_a_programme_counts_only_its_sessions_and_adds_its_aims(coordinator_client, world):
    page = _text(coordinator_client.get(URL, {"programme": world.programme.pk}))
    assert "People came to sessions 5 times" in page
    assert "The Centre is built with the public" in page
    assert "Pilot projects funded" in page
    assert "The latest figure is 4 projects" in page


def test_whole_centre_view_points_to_programme_aims_instead_of_counting_them_wrongly(coordinator_client, world):
    page = coordinator_client.get(URL).content.decode()
    assert "Pilot projects funded" not in page
    assert f"programme={world.programme.pk}" in page


def test_a_period_narrows_what_is_counted(coordinator_client, world):
    today = timezone.localdate()
    params = period_params(today - timedelta(days=15), today)
    page = _text(coordinator_client.get(URL, params))
    assert "People came to sessions 2 times" in page  # only the second session
    assert "Radiating questions" not in page  # evidence from 40 days ago


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {
                "end_day": "1",
                "end_month": "1",
                "end_year": "2026",
                "start_day": "2",
                "start_month": "1",
                "start_year": "2026",
            },
            "The end date must be the same as or after the start date",
        ),
        ({"start_day": "31", "start_month": "2", "start_year": "2026"}, "The start date must be a real date"),
        ({"start_day": "1", "start_year": "2026"}, "The start date must include a month"),
        (
            {
                "start_day": "1",
                "start_month": "1",
                "start_year": "1990",
                "end_day": "1",
                "end_month": "1",
                "end_year": "2026",
            },
            "The period must be 10 years or shorter",
        ),
        ({"programme": "999999"}, "Choose a programme from the list"),
    ],
)
def test_bad_filters_are_refused_with_a_message_next_to_the_field(coordinator_client, world, params, message):
    response = coordinator_client.get(URL, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert message in page
    assert "govuk-error-summary" in page
    assert "<svg" not in page


def test_typed_html_is_shown_escaped(coordinator_client, world):
    world.centre_aim.title = "<script>alert(1)</script>"
    world.centre_aim.save()
    page = coordinator_client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_default_period_is_the_last_twelve_months(coordinator_client, world):
    page = _text(coordinator_client.get(URL))
    today = timezone.localdate()
    assert f"to {today.day} {today:%B %Y}" in page
    assert page.count("figures by month") == 2
    months = re.findall(r'<th scope="row" class="govuk-table__header">(\w{3} \d{4})( \(so far\))?</th>', page)
    assert len(months) == 2 * 12
    assert [m for m in months if m[1]] == [(f"{today:%b %Y}", " (so far)")] * 2  # this month is not over


def test_dashboard_costs_the_same_queries_with_ten_times_the_data(client, django_assert_num_queries):
    end = timezone.localdate() - timedelta(days=1)
    small = generate(sessions=12, people=60, bookings=360, feedback=80, photos=1, end=end, years=1, seed=1)
    client.force_login(small["coordinator"])
    programme = {"programme": small["programmes"][0].pk}
    with CaptureQueriesContext(connection) as centre_small:
        small_page = client.get(URL)
    with CaptureQueriesContext(connection) as programme_small:
        assert client.get(URL, programme).status_code == 200
    assert small_page.status_code == 200
    # Ten times the sessions, people, bookings and feedback, and a second set of aims and evidence.
    generate(sessions=120, people=600, bookings=6000, feedback=900, photos=1, end=end, years=1, seed=2)
    with django_assert_num_queries(len(centre_small)):
        big_page = client.get(URL)
    assert big_page.status_code == 200
    assert big_page.content.count(b"<svg") == 2 * small_page.content.count(b"<svg")
    with django_assert_num_queries(len(programme_small)):
        assert client.get(URL, programme).status_code == 200


def test_dashboard_query_count_is_pinned(coordinator_client, world, django_assert_num_queries):
    # Session and user, programmes, aims, indicators, evidence, stories, when the first session was, and the engine's grouped
    # queries for the two metrics shown (attendance, feedback).
    with django_assert_num_queries(10):
        assert coordinator_client.get(URL).status_code == 200


def test_someone_back_after_two_years_is_neither_new_nor_returning(coordinator):
    """The newcomer/returning query sorts only the year or so before the period; a visit older than
    that must still stop someone counting as new."""
    from roundtable.evaluation import indicators
    from roundtable.evaluation.models import Aim, Indicator
    from roundtable.records.tests.factories import attend, past_session

    assert indicators.LOOK_BACK_DAYS > max(days for _, days in indicators.RETURN_WINDOWS.values())
    long_ago = past_session(days_ago=800, title="Two years ago")
    recent = past_session(days_ago=20, title="This month")
    back = attend(long_ago)
    from roundtable.bookings.models import Booking

    Booking.objects.create(session=recent, person=back, status="attended")
    attend(recent)  # somebody new
    aim = Aim.objects.create(title="Reach", success_looks_like="More people")
    new = Indicator.objects.create(aim=aim, title="New", kind="computed", metric="newcomers")
    returning = Indicator.objects.create(aim=aim, title="Back", kind="computed", metric="returning_12m")
    today = timezone.localdate()
    series = indicators.indicator_series([new, returning], start=today - timedelta(days=60), end=today)
    assert series[new.pk].total == 1
    assert series[returning.pk].total == 0.0


def test_documents_and_links_are_reachable_from_the_evidence(coordinator_client, world):
    from roundtable.evaluation.models import Evidence

    when = timezone.localdate() - timedelta(days=5)
    document = Evidence.objects.create(
        source="document",
        title="Steering group minutes",
        document="evidence/minutes.pdf",
        document_name="minutes.pdf",
        level="organisation",
        kind="number",
        happened_on=when,
    )
    link = Evidence.objects.create(
        source="link", title="Our paper", url="https://example.org/paper", level="wider", kind="story", happened_on=when
    )
    for evidence in (document, link):
        evidence.aims.add(world.centre_aim)
    page = coordinator_client.get(URL).content.decode()
    assert f'href="{reverse("evaluation:evidence_document", args=[document.pk])}"' in page
    assert 'href="https://example.org/paper"' in page
