from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import AgendaItem, Session
from roundtable.cocreation.testing import make_programme, make_session, make_venue
from roundtable.core.models import AuditEntry, OutboundEmail

pytestmark = pytest.mark.django_db

CREATE = "/coordinator/sessions/new/"


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def form_data(venue, /, day: date | None = None, **overrides) -> dict:
    day = day or in_days(30)
    data = {
        "title": "Building the Centre together",
        "venue": venue.pk,
        "date_day": day.day,
        "date_month": day.month,
        "date_year": day.year,
        "start_time": "13:30",
        "end_time": "16:30",
        "capacity": "30",
        "summary": "We plan the next year together.",
        "goals": "Agree our priorities\nChoose what to measure",
        "who_comes": "Everyone is welcome.",
        "agenda": "13:30 Welcome and the story so far\n15:00 Break: tea and cake\n15:20 What we decided",
        "action": "publish",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_and_publishes_a_session_that_appears_on_the_public_list(coordinator_client, coordinator):
    venue = make_venue(name="Community Hall")
    response = coordinator_client.post(CREATE, form_data(venue), follow=True)
    session = Session.objects.get()
    assert response.redirect_chain[-1][0] == reverse("coordinator:session_detail", args=[session.pk])
    assert "is published. It is on the public list and open for sign-up." in response.content.decode()
    assert session.status == "published" and session.created_by == coordinator
    assert session.capacity == 30 and session.venue == venue
    assert session.goal_list == ["Agree our priorities", "Choose what to measure"]
    assert "Building the Centre together" in coordinator_client.get("/").content.decode()
    assert AuditEntry.objects.filter(verb="session.created", actor=coordinator, session_id=session.pk).exists()


def test_agenda_lines_become_items_and_breaks_are_recognised(coordinator_client):
    coordinator_client.post(CREATE, form_data(make_venue(), agenda="15:20 What we decided\n13:30 Welcome\n3pm Lunch"))
    items = list(AgendaItem.objects.values_list("starts_at", "title", "is_break"))
    assert [(t.strftime("%H:%M"), title, brk) for t, title, brk in items] == [
        ("13:30", "Welcome", False),
        ("15:00", "Lunch", True),
        ("15:20", "What we decided", False),
    ]


def test_saving_as_draft_keeps_it_off_the_public_list_until_published(coordinator_client):
    response = coordinator_client.post(
        CREATE, form_data(make_venue(), title="Quiet draft", action="draft"), follow=True
    )
    assert "saved as a draft. Nobody else can see it until you publish it." in response.content.decode()
    session = Session.objects.get()
    assert session.status == "draft"
    assert "Quiet draft" not in coordinator_client.get("/").content.decode()

    response = coordinator_client.post(reverse("coordinator:session_publish", args=[session.pk]), follow=True)
    assert "“Quiet draft” is published" in response.content.decode()
    assert "Quiet draft" in coordinator_client.get("/").content.decode()
    assert AuditEntry.objects.filter(verb="session.published", session_id=session.pk).exists()


def test_times_are_typed_in_london_time_across_the_clock_change(coordinator_client):
    venue = make_venue()
    year = timezone.localdate().year + 1
    coordinator_client.post(CREATE, form_data(venue, day=date(year, 7, 1), title="Summer"))
    coordinator_client.post(CREATE, form_data(venue, day=date(year, 12, 1), title="Winter"))
    summer, winter = Session.objects.get(title="Summer"), Session.objects.get(title="Winter")
    assert summer.starts_at == datetime(year, 7, 1, 12, 30, tzinfo=UTC)  # BST is UTC+1
    assert winter.starts_at == datetime(year, 12, 1, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_time": "12:00"}, "end_time", "The end time must be after the start time"),
        ({"start_time": "half one"}, "start_time", "Enter the start time like 13:30"),
        ({"start_time": "25:00"}, "start_time", "The start time must be a real time"),
        ({"date_day": "31", "date_month": "2"}, "date_0", "The date of the session must be a real date"),
        ({"date_month": ""}, "date_0", "The date of the session must include a month"),
        ({"capacity": "0"}, "capacity", "There must be at least 1 place"),
        ({"capacity": "lots"}, "capacity", "Enter the number of places as a whole number"),
        ({"venue": "999999"}, "venue", "Choose a venue from the list"),
        ({"title": "x" * 2000}, "title", "Title must be 200 characters or fewer"),
        ({"agenda": "Welcome everyone"}, "agenda", "Line 1 of the agenda must start with a time"),
        ({"agenda": "18:00 Drinks"}, "agenda", "is outside the session (13:30 to 16:30)"),
    ],
)
def test_mistakes_are_shown_next_to_the_field_and_nothing_is_saved(coordinator_client, overrides, field, message):
    response = coordinator_client.post(CREATE, form_data(make_venue(), **overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Create a session" in html
    assert f'href="#id_{field}"' in html
    assert message in html
    assert not Session.objects.exists()


def test_a_session_in_the_past_is_refused(coordinator_client):
    response = coordinator_client.post(CREATE, form_data(make_venue(), day=in_days(-1)))
    assert response.status_code == 400
    assert "The session must start in the future" in response.content.decode()
    assert not Session.objects.exists()


def test_a_time_the_clocks_skip_is_refused(coordinator_client):
    # UK clocks go forward at 01:00 on the last Sunday of March, so 01:30 that day never happens.
    march_31 = date(timezone.localdate().year + 1, 3, 31)
    spring_forward = march_31 - timedelta(days=(march_31.weekday() + 1) % 7)
    response = coordinator_client.post(
        CREATE, form_data(make_venue(), day=spring_forward, start_time="01:30", end_time="03:00", agenda="")
    )
    assert response.status_code == 400
    assert (
        f"01:30 does not exist on {spring_forward.day} March {spring_forward.year} because the clocks go forward"
        in (response.content.decode())
    )
    assert not Session.objects.exists()


def test_sign_up_window_is_saved_and_checked(coordinator_client):
    venue = make_venue()
    day = in_days(30)
    opens = in_days(5)
    response = coordinator_client.post(
        CREATE,
        form_data(venue, day=day, signup_opens_date_day=opens.day, signup_opens_date_month=opens.month,
                  signup_opens_date_year=opens.year, signup_opens_time="09:00"),
    )  # fmt: skip
    assert response.status_code == 302
    session = Session.objects.get()
    assert timezone.localtime(session.signup_opens_at).strftime("%Y-%m-%d %H:%M") == f"{opens:%Y-%m-%d} 09:00"
    assert session.signup_state() == "not_yet_open"

    late = form_data(venue, day=day, signup_closes_date_day=day.day, signup_closes_date_month=day.month,
                     signup_closes_date_year=day.year, signup_closes_time="18:00")  # fmt: skip
    response = coordinator_client.post(CREATE, late)
    assert response.status_code == 400
    assert "Sign-up must close by the time the session starts" in response.content.decode()


def test_html_typed_into_a_session_is_shown_escaped_to_coordinators(coordinator_client):
    coordinator_client.post(CREATE, form_data(make_venue(), title="<script>alert('x')</script>"))
    session = Session.objects.get()
    for url in ("/coordinator/", reverse("coordinator:session_detail", args=[session.pk])):
        html = coordinator_client.get(url).content.decode()
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(" in html


def test_editing_shows_the_current_details_in_london_time(coordinator_client):
    session = make_session(title="Existing", starts_at=datetime(2030, 6, 3, 12, 30, tzinfo=UTC))
    html = coordinator_client.get(reverse("coordinator:session_edit", args=[session.pk])).content.decode()
    assert 'value="13:30"' in html and 'value="Existing"' in html
    assert 'name="date_year" value="2030"' in html


def test_more_places_fill_from_the_waiting_list(coordinator_client, coordinator):
    session = make_session(capacity=1)
    signup(session, 1)
    waiting = signup(session, 2).booking
    data = form_data(session.venue, day=timezone.localtime(session.starts_at).date(), capacity="2", agenda="")
    data.update(
        start_time=f"{timezone.localtime(session.starts_at):%H:%M}",
        end_time=f"{timezone.localtime(session.ends_at):%H:%M}",
    )
    response = coordinator_client.post(reverse("coordinator:session_edit", args=[session.pk]), data)
    assert response.status_code == 302
    assert Booking.objects.get(pk=waiting.pk).status == "confirmed"
    assert AuditEntry.objects.filter(verb="session.updated", session_id=session.pk, actor=coordinator).exists()


def test_fewer_places_than_are_taken_is_refused(coordinator_client):
    session = make_session(capacity=3)
    for n in range(3):
        signup(session, n)
    data = form_data(session.venue, day=timezone.localtime(session.starts_at).date(), capacity="2", agenda="")
    data.update(
        start_time=f"{timezone.localtime(session.starts_at):%H:%M}",
        end_time=f"{timezone.localtime(session.ends_at):%H:%M}",
    )
    response = coordinator_client.post(reverse("coordinator:session_edit", args=[session.pk]), data)
    assert response.status_code == 400
    assert "3 people already have a place, so there must be at least 3 places" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 3


def test_moving_a_published_session_tells_everyone_booked(coordinator_client):
    session = make_session(capacity=1)
    signup(session, 1)
    signup(session, 2)
    new_day = timezone.localtime(session.starts_at).date() + timedelta(days=7)
    response = coordinator_client.post(
        reverse("coordinator:session_edit", args=[session.pk]),
        form_data(session.venue, day=new_day, agenda=""),
        follow=True,
    )
    assert "Everyone booked or waiting is being emailed the new details" in response.content.decode()
    assert OutboundEmail.objects.filter(template="session_changed", session_id=session.pk).count() == 2


def test_a_published_session_with_bookings_cannot_go_back_to_draft(coordinator_client):
    session = make_session()
    signup(session, 1)
    response = coordinator_client.post(reverse("coordinator:session_unpublish", args=[session.pk]), follow=True)
    assert "cannot go back to draft without telling them" in response.content.decode()
    session.refresh_from_db()
    assert session.status == "published"


def test_a_published_session_nobody_booked_goes_back_to_draft(coordinator_client):
    session = make_session(title="Too early")
    response = coordinator_client.post(reverse("coordinator:session_unpublish", args=[session.pk]), follow=True)
    assert "“Too early” is back to draft" in response.content.decode()  # and the banner is used up
    session.refresh_from_db()
    assert session.status == "draft"
    assert "Too early" not in coordinator_client.get("/").content.decode()


def test_publish_and_unpublish_only_answer_post(coordinator_client):
    session = make_session()
    assert coordinator_client.get(reverse("coordinator:session_unpublish", args=[session.pk])).status_code == 405


def test_home_without_venues_says_to_add_one_first(coordinator_client):
    html = coordinator_client.get("/coordinator/").content.decode()
    assert "Start by adding a venue" in html
    assert reverse("coordinator:venue_create") in html


def test_home_with_a_venue_but_no_sessions_says_to_create_one(coordinator_client):
    make_venue()
    html = coordinator_client.get("/coordinator/").content.decode()
    assert "No sessions yet" in html and reverse("coordinator:session_create") in html


def test_home_shows_places_taken_waiting_and_status(coordinator_client):
    session = make_session(title="Nearly full", capacity=2, programme=make_programme())
    for n in range(4):
        signup(session, n)
    make_session(title="Still a draft", status=Session.Status.DRAFT)
    make_session(title="Last month", starts_at=timezone.now() - timedelta(days=30))
    html = coordinator_client.get("/coordinator/").content.decode()
    assert "2 of 2" in html
    assert 'data-label="Waiting">2<' in html
    assert "Still a draft" in html and "Draft</strong>" in html
    assert html.index("Coming up") < html.index("Past sessions") < html.index("Last month")


def test_home_costs_the_same_queries_with_more_sessions(coordinator_client, django_assert_num_queries):
    venue = make_venue()
    for n in range(3):
        make_session(title=f"Session {n}", venue=venue)
    coordinator_client.get("/coordinator/")  # warm the session and user
    # 10: session, user, venues, upcoming, access needs the venues may not meet (the usual venue has
    # only part of a quiet space), past, past count, overdue actions, requests about people's data
    # due, overdue payments (with their count as a window over the same query)
    with django_assert_num_queries(10) as few:
        coordinator_client.get("/coordinator/")
    for n in range(30):
        make_session(title=f"More {n}", venue=venue)
    with django_assert_num_queries(len(few.captured_queries)):
        coordinator_client.get("/coordinator/")
