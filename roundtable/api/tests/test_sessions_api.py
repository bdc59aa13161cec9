from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import add_agenda, make_programme, make_session, make_venue

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_session_list_shows_places_waiting_list_and_venue_accessibility(client, settings):
    settings.SITE_URL = "https://roundtable.example.org"
    venue = make_venue(
        name="Library",
        step_free="yes",
        step_free_note="Ramp at the side door",
        hearing_loop="no",
        nearest_bus="Bus 73",
        other_notes="Ask at reception",
    )
    programme = make_programme(name="Building the Centre together")
    full = make_session(capacity=1, venue=venue, programme=programme, title="Full session")
    signup(full, 1)
    signup(full, 2)

    response = client.get("/api/sessions")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and len(body["items"]) == 1
    item = body["items"][0]
    assert item["id"] == full.pk and item["title"] == "Full session"
    assert item["capacity"] == 1 and item["places_left"] == 0 and item["waiting_list_length"] == 1
    assert item["goals"] == ["Think about the big picture", "Agree what evidence to collect"]
    assert item["signup_state"] == "open" and item["status"] == "published"
    assert item["programme"] == {"id": programme.pk, "name": "Building the Centre together"}
    assert item["venue"]["id"] == venue.pk and item["venue"]["name"] == "Library"
    facts = item["venue"]["accessibility"]
    assert facts["step_free"] == "yes" and facts["step_free_note"] == "Ramp at the side door"
    assert facts["hearing_loop"] == "no" and facts["nearest_bus"] == "Bus 73" and facts["notes"] == "Ask at reception"
    assert item["url"] == f"https://roundtable.example.org/sessions/{full.pk}/"
    assert item["calendar_url"] == f"https://roundtable.example.org/sessions/{full.pk}/calendar.ics"


def test_times_are_europe_london_with_their_offset_on_both_sides_of_the_clock_change(client):
    winter = datetime(2030, 12, 13, 13, 30, tzinfo=LONDON)
    summer = datetime(2030, 7, 13, 13, 30, tzinfo=LONDON)
    make_session(starts_at=winter, ends_at=winter + timedelta(hours=3), title="Winter")
    make_session(starts_at=summer, ends_at=summer + timedelta(hours=3), title="Summer")

    items = {i["title"]: i for i in client.get("/api/sessions").json()["items"]}

    assert items["Winter"]["starts_at"] == "2030-12-13T13:30:00+00:00"
    assert items["Winter"]["ends_at"] == "2030-12-13T16:30:00+00:00"
    assert items["Summer"]["starts_at"] == "2030-07-13T13:30:00+01:00"
    assert [i["title"] for i in client.get("/api/sessions").json()["items"]] == ["Summer", "Winter"]


def test_list_leaves_out_drafts_and_past_sessions_and_past_lists_newest_first(client):
    upcoming = make_session(title="Upcoming")
    make_session(title="Draft", status="draft")
    older = make_session(title="Older", days_ahead=-30)
    newer = make_session(title="Newer", days_ahead=-7)

    assert [i["id"] for i in client.get("/api/sessions").json()["items"]] == [upcoming.pk]
    past = client.get("/api/sessions?when=past").json()
    assert [i["id"] for i in past["items"]] == [newer.pk, older.pk]
    assert {i["signup_state"] for i in past["items"]} == {"past"}


def test_unknown_when_is_a_422_naming_the_parameter(client):
    response = client.get("/api/sessions?when=tomorrow")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "when"


@pytest.mark.parametrize("sessions", [2, 20])
def test_session_list_costs_one_query_however_many_sessions(client, django_assert_num_queries, sessions):
    venue = make_venue()
    for n in range(sessions):
        session = make_session(venue=venue, programme=make_programme(), capacity=2)
        signup(session, n * 10 + 1)
        signup(session, n * 10 + 2)
        signup(session, n * 10 + 3)

    with django_assert_num_queries(1):
        response = client.get("/api/sessions")

    assert response.json()["count"] == sessions
    assert all(i["waiting_list_length"] == 1 and i["places_left"] == 0 for i in response.json()["items"])


def test_one_session_has_its_agenda_with_breaks(client):
    session = make_session()
    add_agenda(session)

    response = client.get(f"/api/sessions/{session.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == session.pk and body["venue"]["id"] == session.venue_id
    assert [(a["starts_at"], a["is_break"]) for a in body["agenda"]] == [
        ("13:30", False),
        ("14:15", False),
        ("15:00", True),
        ("15:20", False),
    ]


def test_cancelled_session_is_still_shown_with_its_state(client):
    session = make_session(status="cancelled")
    body = client.get(f"/api/sessions/{session.pk}").json()
    assert body["status"] == "cancelled" and body["signup_state"] == "cancelled"


def test_sign_up_window_shows_in_the_state(client):
    opens = timezone.now() + timedelta(days=2)
    session = make_session(signup_opens_at=opens)
    body = client.get(f"/api/sessions/{session.pk}").json()
    assert body["signup_state"] == "not_yet_open"
    assert datetime.fromisoformat(body["signup_opens_at"]) == opens.replace(microsecond=0)


@pytest.mark.parametrize("path", ["/api/sessions/999999", "/api/sessions/99999999999999999999999", "/api/sessions/-4"])
def test_unknown_session_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "We could not find that session."}


def test_draft_session_is_a_json_404(client):
    draft = make_session(status="draft")
    response = client.get(f"/api/sessions/{draft.pk}")
    assert response.status_code == 404 and response["Content-Type"] == "application/json; charset=utf-8"


def test_session_id_that_is_not_a_number_is_a_422(client):
    response = client.get("/api/sessions/abc")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "session_id", "message": "Session id must be a whole number"}]


@pytest.mark.parametrize("agenda_items", [0, 4])
def test_one_session_costs_two_queries_with_or_without_an_agenda(client, django_assert_num_queries, agenda_items):
    session = make_session()
    if agenda_items:
        add_agenda(session)
    signup(session, 1)
    # the session with its venue, programme and counts; then its agenda
    with django_assert_num_queries(2):
        response = client.get(f"/api/sessions/{session.pk}")
    assert len(response.json()["agenda"]) == agenda_items and response.json()["places_left"] == 29
