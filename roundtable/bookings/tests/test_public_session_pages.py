"""The public session pages as a participant sees them: the list, past sessions and one session."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from roundtable.bookings.testing import signup
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import add_agenda, make_session, make_venue

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _html(response) -> str:
    return response.content.decode()


def test_session_list_shows_time_in_london_venue_and_places_left(client):
    starts = datetime(2031, 7, 1, 13, 30, tzinfo=LONDON)  # summer: 12:30 UTC
    session = make_session(
        title="Planning our evaluation", starts_at=starts, capacity=5, venue=make_venue(name="Riverside Library")
    )
    signup(session, 1)
    html = _html(client.get("/"))
    assert "Planning our evaluation" in html
    assert "Tuesday 1 July 2031, 13:30 to 16:30" in html
    assert "Riverside Library" in html
    assert "4 places left" in html


def test_full_session_is_listed_with_its_waiting_list_open(client):
    session = make_session(title="Full one", capacity=1)
    signup(session, 1)
    signup(session, 2)
    html = _html(client.get("/"))
    assert "Full – waiting list open (1 waiting)" in html


def test_drafts_never_appear_and_past_sessions_have_their_own_page(client):
    make_session(title="Secret draft", status=Session.Status.DRAFT)
    past_start = timezone.now() - timedelta(days=10)
    make_session(title="Last month's session", starts_at=past_start)
    upcoming = _html(client.get("/"))
    past = _html(client.get("/sessions/past/"))
    assert "Secret draft" not in upcoming and "Secret draft" not in past
    assert "Last month's session" not in upcoming
    assert "Last month&#x27;s session" in past


@pytest.mark.parametrize("how_many", [3, 30])
def test_session_list_costs_the_same_queries_with_3_or_30_sessions(client, django_assert_num_queries, how_many):
    venue = make_venue()
    for n in range(how_many):
        session = make_session(title=f"Session {n}", venue=venue, days_ahead=n + 1, capacity=2)
        signup(session, n * 10)
        signup(session, n * 10 + 1)
        signup(session, n * 10 + 2)  # waiting list
    with django_assert_num_queries(1):
        response = client.get("/")
    assert _html(response).count("rt-session-card") == how_many


@pytest.mark.parametrize("how_many", [3, 30])
def test_past_sessions_cost_the_same_queries_with_3_or_30_sessions(client, django_assert_num_queries, how_many):
    venue = make_venue()
    for n in range(how_many):
        make_session(title=f"Old {n}", venue=venue, starts_at=timezone.now() - timedelta(days=n + 2))
    with django_assert_num_queries(1):
        response = client.get("/sessions/past/")
    assert _html(response).count("rt-session-card") == how_many


@pytest.mark.parametrize("how_many", [3, 30])
def test_session_page_costs_the_same_queries_with_3_or_30_bookings(client, django_assert_num_queries, how_many):
    session = make_session(capacity=10)
    add_agenda(session)
    for n in range(how_many):
        signup(session, n)
    # The page's version, then the session with its counts, its agenda, how its places are given out,
    # and what the session pays (the note payments adds, bookings/extensions.py).
    with django_assert_num_queries(5):
        response = client.get(session.get_absolute_url())
    html = _html(response)
    assert ("Full – waiting list open" in html) == (how_many >= 10)
    # The next visitor is served the kept page after one query for its version.
    with django_assert_num_queries(1):
        again = client.get(session.get_absolute_url())
    assert ("Full – waiting list open" in _html(again)) == (how_many >= 10)


def test_session_page_tells_a_participant_everything_they_need(client):
    venue = make_venue(
        name="Community Hall",
        address="1 Example Street\nLondon",
        postcode="N1C 4AA",
        step_free="yes",
        step_free_note="Ramp at the side door",
        hearing_loop="no",
        seating="Chairs with arms and without",
        lighting="Daylight, blinds can be drawn",
        nearest_station="King's Cross, 5 minutes on level ground",
        nearest_bus="Routes 30 and 73",
        parking="Two blue badge spaces",
        food_and_drink="Tea, coffee and vegan snacks",
    )
    session = make_session(
        title="Building the Centre together",
        venue=venue,
        capacity=30,
        goals="Think about the big picture\nAgree what evidence to collect",
    )
    add_agenda(session)
    html = _html(client.get(session.get_absolute_url()))
    assert html.count("<h1") == 1
    # What it is for
    assert "Think about the big picture" in html and "Agree what evidence to collect" in html
    # The agenda, with its break clearly marked
    assert "Working together creatively" in html
    assert '<strong class="govuk-tag govuk-tag--green">Break</strong> Break: a brew and a snack' in html
    # Who comes
    assert "no experience is needed" in html
    for who in ("patients", "carers", "researchers", "students", "community members"):
        assert who in html
    # The venue's structured accessibility facts
    for label in (
        "Step-free route",
        "Accessible toilet",
        "Hearing loop",
        "Quiet space",
        "Seating",
        "Lighting",
        "Nearest station",
        "Nearest bus",
        "Parking",
        "Food and drink",
    ):
        assert f'<dt class="govuk-summary-list__key">{label}</dt>' in html
    assert "Ramp at the side door" in html and "Routes 30 and 73" in html and "Two blue badge spaces" in html
    # Help, calendar and the way in
    assert "we'll ask about anything that would help you take part" in html
    assert "hello@example.org" in html and "020 7946 0000" in html
    assert f"/sessions/{session.pk}/calendar.ics" in html
    assert f'href="/sessions/{session.pk}/sign-up/"' in html
    assert "30 places left" in html


def test_full_session_page_offers_the_waiting_list(client):
    session = make_session(capacity=1)
    signup(session, 1)
    html = _html(client.get(session.get_absolute_url()))
    assert "Full – waiting list open" in html
    assert ">Join the waiting list</a>" in html


def test_session_page_says_when_sign_up_opens(client):
    opens = datetime(2030, 11, 2, 9, 0, tzinfo=LONDON)
    session = make_session(signup_opens_at=opens, starts_at=datetime(2030, 12, 1, 13, 30, tzinfo=LONDON))
    html = _html(client.get(session.get_absolute_url()))
    assert "Sign-up opens on Saturday 2 November 2030 at 09:00" in html
    assert "/sign-up/" not in html


def test_session_page_says_sign_up_has_closed(client):
    session = make_session(signup_closes_at=timezone.now() - timedelta(hours=1))
    html = _html(client.get(session.get_absolute_url()))
    assert "Sign-up for this session has closed" in html
    assert "/sign-up/" not in html


def test_cancelled_session_page_gives_the_reason_and_takes_no_sign_ups(client):
    session = make_session(status=Session.Status.CANCELLED, cancel_reason="The venue flooded <b>badly</b>.")
    html = _html(client.get(session.get_absolute_url()))
    assert "This session has been cancelled." in html
    assert "The venue flooded &lt;b&gt;badly&lt;/b&gt;." in html
    assert "/sign-up/" not in html


def test_unknown_and_draft_sessions_are_not_found(client):
    draft = make_session(status=Session.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/sessions/999999/").status_code == 404


@pytest.mark.parametrize("how_many", [3, 30])
def test_a_session_with_held_places_reads_them_once(client, django_assert_num_queries, how_many):
    from roundtable.cocreation.models import ReservedPlaces

    session = make_session(capacity=40)
    ReservedPlaces.objects.create(
        session=session, places=10, perspectives=["carer"], release_at=timezone.now() + timedelta(days=7)
    )
    for n in range(how_many):
        signup(session, n)
    # The version; the session; its agenda; its held places, the places they have given, the places
    # taken; what the session pays (bookings/extensions.py).
    with django_assert_num_queries(7):
        response = client.get(session.get_absolute_url())
    assert f"Right now {40 - how_many} places are left: 10 of them kept as above" in _html(response)
