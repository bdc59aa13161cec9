"""Running a session again, cancelling it with a reason, reminder days, balanced places on the
session form, and programmes."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import AgendaItem, Programme, ReservedPlaces, Session
from roundtable.cocreation.testing import add_agenda, make_programme, make_session, make_venue
from roundtable.core.models import AuditEntry, OutboundEmail

pytestmark = pytest.mark.django_db

CREATE = "/coordinator/sessions/new/"


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def session_data(venue, /, day: date | None = None, held: list[dict] | None = None, **overrides) -> dict:
    """The session form as a browser sends it, with its held-places rows (and one empty row)."""
    day = day or in_days(30)
    data = {
        "title": "Building the Centre together", "venue": venue.pk,
        "date_day": day.day, "date_month": day.month, "date_year": day.year,
        "start_time": "13:30", "end_time": "16:30", "capacity": "30", "summary": "We plan together.",
        "agenda": "", "action": "publish",
    }  # fmt: skip
    rows = list(held or []) + [{"release_days_before": "7"}]  # the empty row, as a browser sends it
    data.update({"held-TOTAL_FORMS": str(len(rows)), "held-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
                 "held-MIN_NUM_FORMS": "0", "held-MAX_NUM_FORMS": "10"})  # fmt: skip
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"held-{n}-{key}"] = value
    data.update(overrides)
    return data


def edit_data(session, **overrides) -> dict:
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    fields = {"capacity": str(session.capacity), "start_time": f"{start:%H:%M}", "end_time": f"{end:%H:%M}"}
    return session_data(session.venue, day=start.date(), **{**fields, **overrides})


# --- Balanced places on the session form --------------------------------------------------------


def test_coordinator_publishes_a_session_with_places_held_for_lived_experience(coordinator_client, coordinator):
    held = [{"places": "10", "who": ["lived_experience"], "release_days_before": "7"}]
    response = coordinator_client.post(CREATE, session_data(make_venue(), held=held))
    assert response.status_code == 302
    session = Session.objects.get()
    pool = ReservedPlaces.objects.get(session=session)
    assert (pool.places, pool.perspectives, pool.for_newcomers) == (10, ["lived_experience"], False)
    assert timezone.localtime(pool.release_at) == timezone.localtime(session.starts_at) - timedelta(days=7)
    public = coordinator_client.get(session.get_absolute_url()).content.decode()
    assert "How places are given out" in public
    assert "10 places are kept for people with lived experience until" in public


def test_held_places_can_be_for_newcomers_and_several_perspectives_at_once(coordinator_client):
    held = [{"places": "5", "who": ["newcomers", "carer", "student"], "release_days_before": "3"}]
    coordinator_client.post(CREATE, session_data(make_venue(), held=held))
    pool = ReservedPlaces.objects.get()
    assert pool.for_newcomers and pool.perspectives == ["carer", "student"]


def test_an_empty_held_places_row_adds_nothing(coordinator_client):
    assert coordinator_client.post(CREATE, session_data(make_venue())).status_code == 302
    assert not ReservedPlaces.objects.exists()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"places": "40", "who": ["carer"], "release_days_before": "7"}, "places",
         "The held places add up to 40, more than the 30 places on the session"),
        ({"places": "5", "release_days_before": "7"}, "who_0", "Choose who the held places are for"),
        ({"who": ["carer"], "release_days_before": "7"}, "places", "Enter how many places to hold back"),
        ({"places": "5", "who": ["carer"], "release_days_before": ""}, "release_days_before",
         "Enter how many days before the session to open them to everyone"),
        ({"places": "five", "who": ["carer"]}, "places", "Enter the number of places to hold back as a whole number"),
        ({"places": "5", "who": ["astronaut"]}, "who_0", "Choose who the places are for from the list"),
        ({"places": "5", "who": ["carer"], "release_days_before": "45"}, "release_days_before",
         "The session is less than 45 days away"),
    ],
)  # fmt: skip
def test_held_places_mistakes_are_shown_next_to_the_field_and_nothing_is_saved(coordinator_client, row, field, message):
    response = coordinator_client.post(CREATE, session_data(make_venue(), held=[row]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Create a session" in html
    assert f'href="#id_held-0-{field}"' in html
    assert message in html
    assert not Session.objects.exists() and not ReservedPlaces.objects.exists()


def test_editing_changes_removes_and_adds_held_places_keeping_bookings_linked(coordinator_client):
    session = make_session(capacity=20)
    pool = ReservedPlaces.objects.create(session=session, places=4, perspectives=["carer"],
                                         release_at=session.starts_at - timedelta(days=7))  # fmt: skip
    other = ReservedPlaces.objects.create(session=session, places=2, for_newcomers=True,
                                          release_at=session.starts_at - timedelta(days=7))  # fmt: skip
    carer = signup(session, 1, perspectives=["carer"]).booking
    assert carer.reserved_place_id == pool.pk
    page = coordinator_client.get(reverse("coordinator:session_edit", args=[session.pk])).content.decode()
    assert 'name="held-0-places" value="4"' in page and f'name="held-1-id" value="{other.pk}"' in page

    held = [
        {"id": str(pool.pk), "places": "6", "who": ["carer", "researcher"], "release_days_before": "3"},
        {"id": str(other.pk), "places": "2", "who": ["newcomers"], "release_days_before": "7", "remove": "on"},
        {"places": "3", "who": ["student"], "release_days_before": "2"},
    ]
    response = coordinator_client.post(reverse("coordinator:session_edit", args=[session.pk]),
                                       edit_data(session, held=held))  # fmt: skip
    assert response.status_code == 302
    pools = list(ReservedPlaces.objects.filter(session=session).order_by("id"))
    assert [(p.pk == pool.pk, p.places, p.perspectives) for p in pools] == [
        (True, 6, ["carer", "researcher"]),
        (False, 3, ["student"]),
    ]
    assert Booking.objects.get(pk=carer.pk).reserved_place_id == pool.pk
    entry = AuditEntry.objects.get(verb="session.updated", session_id=session.pk)
    assert "reserved_places" in entry.data["changed"]


def test_removing_held_places_gives_the_freed_places_to_the_waiting_list(coordinator_client):
    session = make_session(capacity=2)
    pool = ReservedPlaces.objects.create(session=session, places=1, perspectives=["student"],
                                         release_at=session.starts_at - timedelta(days=7))  # fmt: skip
    signup(session, 1)
    waiting = signup(session, 2).booking
    assert waiting.status == "waitlisted"
    held = [{"id": str(pool.pk), "places": "1", "who": ["student"], "release_days_before": "7", "remove": "on"}]
    coordinator_client.post(reverse("coordinator:session_edit", args=[session.pk]), edit_data(session, held=held))
    assert Booking.objects.get(pk=waiting.pk).status == "confirmed"
    assert OutboundEmail.objects.filter(template="booking_promoted", booking_id=waiting.pk).exists()


def test_fewer_places_than_are_held_back_is_refused(coordinator_client):
    session = make_session(capacity=20)
    ReservedPlaces.objects.create(session=session, places=10, perspectives=["carer"],
                                  release_at=session.starts_at - timedelta(days=7))  # fmt: skip
    data = edit_data(session, capacity="8")
    for key in [k for k in data if k.startswith("held-")]:
        del data[key]  # a post without the rows leaves them as they are, and still checks them
    response = coordinator_client.post(reverse("coordinator:session_edit", args=[session.pk]), data)
    assert response.status_code == 400
    assert "10 places are held back, so there must be at least 10 places" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 20


# --- Reminder days ------------------------------------------------------------------------------


def test_reminder_days_are_saved_and_shown(coordinator_client):
    coordinator_client.post(CREATE, session_data(make_venue(), reminder_days="14, 2 and 0"))
    session = Session.objects.get()
    assert session.reminder_days == [14, 2, 0]
    html = coordinator_client.get(reverse("coordinator:session_detail", args=[session.pk])).content.decode()
    assert "14 days, 2 days and on the day before" in html
    edit = coordinator_client.get(reverse("coordinator:session_edit", args=[session.pk])).content.decode()
    assert 'value="14, 2, 0"' in edit


def test_empty_reminder_days_mean_the_usual_7_and_1(coordinator_client):
    session = make_session(reminder_days=[3])
    coordinator_client.post(
        reverse("coordinator:session_edit", args=[session.pk]), edit_data(session, reminder_days="")
    )
    session.refresh_from_db()
    assert session.reminder_days == [] and session.reminder_schedule == [7, 1]
    html = coordinator_client.get(reverse("coordinator:session_detail", args=[session.pk])).content.decode()
    assert "7 days and 1 day before (the usual)" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [("a week", "Enter reminder days as numbers separated by commas"),
     ("90", "Reminders can go at most 60 days before the session"),
     ("1,2,3,4,5,6", "Choose at most 5 reminders")],
)  # fmt: skip
def test_bad_reminder_days_are_refused(coordinator_client, typed, message):
    response = coordinator_client.post(CREATE, session_data(make_venue(), reminder_days=typed))
    assert response.status_code == 400
    assert message in response.content.decode() and 'href="#id_reminder_days"' in response.content.decode()
    assert not Session.objects.exists()


# --- Run this again -----------------------------------------------------------------------------


def test_running_a_session_again_copies_it_as_a_draft_on_the_chosen_date(coordinator_client, coordinator):
    programme = make_programme()
    session = make_session(title="Spring session", capacity=12, programme=programme, reminder_days=[3],
                           starts_at=datetime(2030, 3, 20, 13, 30, tzinfo=UTC),  # GMT: 13:30 in London
                           signup_opens_at=datetime(2030, 3, 1, 9, 0, tzinfo=UTC))  # fmt: skip
    add_agenda(session)
    ReservedPlaces.objects.create(session=session, places=4, for_newcomers=True,
                                  release_at=datetime(2030, 3, 13, 13, 30, tzinfo=UTC))  # fmt: skip
    signup(session, 1, taken_by=coordinator)  # before sign-up opens, so taken by the team
    url = reverse("coordinator:session_duplicate", args=[session.pk])
    assert 'value="Spring session"' in coordinator_client.get(url).content.decode()

    response = coordinator_client.post(url, {"title": "Summer session", "starts_on_day": "17", "starts_on_month": "7",
                                             "starts_on_year": "2030"}, follow=True)  # fmt: skip
    copy = Session.objects.get(title="Summer session")
    assert response.redirect_chain[-1][0] == reverse("coordinator:session_detail", args=[copy.pk])
    assert "is saved as a draft with the same agenda" in response.content.decode()
    assert copy.status == "draft" and copy.created_by == coordinator
    assert (copy.capacity, copy.venue_id, copy.programme_id, copy.reminder_days) == (
        12,
        session.venue_id,
        programme.pk,
        [3],
    )
    # 13:30 in London both times, across the clock change (BST in July).
    assert copy.starts_at == datetime(2030, 7, 17, 12, 30, tzinfo=UTC)
    assert copy.ends_at - copy.starts_at == session.ends_at - session.starts_at
    assert timezone.localtime(copy.signup_opens_at).replace(tzinfo=None) == datetime(2030, 6, 28, 9, 0)
    assert [(a.starts_at, a.title, a.is_break) for a in AgendaItem.objects.filter(session=copy)] == [
        (a.starts_at, a.title, a.is_break) for a in AgendaItem.objects.filter(session=session)
    ]
    pool = ReservedPlaces.objects.get(session=copy)
    assert pool.for_newcomers and pool.places == 4
    assert copy.starts_at - pool.release_at == timedelta(days=7)
    assert not copy.bookings.exists()
    assert AuditEntry.objects.filter(
        verb="session.duplicated", session_id=copy.pk, data__copied_from=session.pk
    ).exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [({}, "Enter the date of the new session"),
     ({"starts_on_day": "31", "starts_on_month": "2", "starts_on_year": "2031"}, "must be a real date"),
     ({"starts_on_day": "1", "starts_on_month": "1", "starts_on_year": "2001"}, "must be today or in the future")],
)  # fmt: skip
def test_running_again_needs_a_real_future_date(coordinator_client, day, message):
    session = make_session()
    response = coordinator_client.post(reverse("coordinator:session_duplicate", args=[session.pk]),
                                       {"title": "Again", **day})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "<title>Error: " in html and 'href="#id_starts_on_0"' in html
    assert Session.objects.count() == 1


def test_running_again_on_a_day_the_clocks_skip_that_time_is_refused(coordinator_client):
    march_31 = date(timezone.localdate().year + 1, 3, 31)
    spring_forward = march_31 - timedelta(days=(march_31.weekday() + 1) % 7)
    start = timezone.make_aware(datetime.combine(spring_forward - timedelta(days=7), time(1, 30)))
    session = make_session(starts_at=start, ends_at=start + timedelta(hours=2))
    response = coordinator_client.post(
        reverse("coordinator:session_duplicate", args=[session.pk]),
        {
            "title": "Night owls",
            "starts_on_day": spring_forward.day,
            "starts_on_month": 3,
            "starts_on_year": spring_forward.year,
        },
    )
    assert response.status_code == 400
    assert "01:30 does not exist on" in response.content.decode()
    assert Session.objects.count() == 1


# --- Cancel with a reason -----------------------------------------------------------------------


def test_cancelling_a_session_asks_first_then_tells_everyone_booked_and_waiting(coordinator_client, coordinator):
    session = make_session(title="Spring planning", capacity=2)
    for n in range(3):
        signup(session, n)
    url = reverse("coordinator:session_cancel", args=[session.pk])
    confirm = coordinator_client.get(url).content.decode()
    assert "Cancel this session?" in confirm and "the 2 people with a place and the 1 on the waiting list" in confirm
    session.refresh_from_db()
    assert session.status == "published"  # asking is not doing

    response = coordinator_client.post(url, {"reason": "The venue has flooded."}, follow=True)
    html = response.content.decode()
    assert "“Spring planning” is cancelled. We are emailing the 3 people who were booked or waiting" in html
    session.refresh_from_db()
    assert session.status == "cancelled" and session.cancel_reason == "The venue has flooded."
    emails = OutboundEmail.objects.filter(template="session_cancelled", session_id=session.pk)
    assert emails.count() == 3 and all(e.context["reason"] == "The venue has flooded." for e in emails)
    assert AuditEntry.objects.get(verb="session.cancelled", session_id=session.pk).actor == coordinator
    assert "The venue has flooded." in coordinator_client.get(session.get_absolute_url()).content.decode()

    again = coordinator_client.post(url, {"reason": "Twice"}, follow=True)
    assert "was already cancelled" in again.content.decode()
    assert OutboundEmail.objects.filter(template="session_cancelled").count() == 3


def test_a_session_cannot_be_cancelled_without_a_reason(coordinator_client):
    session = make_session()
    for reason in ("", "   ", "x" * 1001):
        response = coordinator_client.post(reverse("coordinator:session_cancel", args=[session.pk]), {"reason": reason})
        assert response.status_code == 400
        assert "<title>Error: " in response.content.decode()
    session.refresh_from_db()
    assert session.status == "published"


def test_a_session_that_has_happened_cannot_be_cancelled(coordinator_client):
    session = make_session(starts_at=timezone.now() - timedelta(days=3))
    response = coordinator_client.post(reverse("coordinator:session_cancel", args=[session.pk]), {"reason": "Oops"},
                                       follow=True)  # fmt: skip
    assert "has already happened, so it cannot be cancelled" in response.content.decode()
    session.refresh_from_db()
    assert session.status == "published"


def test_cancelling_a_draft_nobody_booked_says_nobody_needed_telling(coordinator_client):
    session = make_session(status="draft")
    response = coordinator_client.post(reverse("coordinator:session_cancel", args=[session.pk]),
                                       {"reason": "Not needed"}, follow=True)  # fmt: skip
    assert "Nobody was booked or waiting, so nobody needed to be told." in response.content.decode()


# --- Programmes ---------------------------------------------------------------------------------


def test_coordinator_adds_a_programme_and_sessions_can_join_it(coordinator_client, coordinator):
    response = coordinator_client.post(reverse("coordinator:programme_create"),
                                       {"name": "Building the Centre  together", "slug": "", "summary": "Our year"},
                                       follow=True)  # fmt: skip
    programme = Programme.objects.get()
    assert (programme.name, programme.slug) == ("Building the Centre together", "building-the-centre-together")
    assert "is added to your programmes" in response.content.decode()
    assert AuditEntry.objects.filter(verb="programme.created", actor=coordinator).exists()
    form = coordinator_client.get(CREATE).content.decode()
    assert f'<option value="{programme.pk}">Building the Centre together</option>' in form


def test_programme_list_counts_sessions_and_edit_saves_changes(coordinator_client):
    programme = make_programme(name="Young people", slug="young-people")
    make_session(programme=programme)
    html = coordinator_client.get(reverse("coordinator:programme_list")).content.decode()
    assert "Young people" in html and 'data-label="Sessions">1</td>' in html
    url = reverse("coordinator:programme_edit", args=[programme.pk])
    assert 'value="young-people"' in coordinator_client.get(url).content.decode()
    coordinator_client.post(url, {"name": "Young voices", "slug": "young-voices", "summary": "Age 16 to 25"})
    programme.refresh_from_db()
    assert (programme.name, programme.slug, programme.summary) == ("Young voices", "young-voices", "Age 16 to 25")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [({"name": ""}, "name", "Enter a name"),
     ({"name": "Taken", "slug": "taken"}, "slug", "Another programme already uses that short name"),
     ({"name": "Spaces", "slug": "has spaces"}, "slug", "can only use lower-case letters, numbers and hyphens"),
     ({"name": "!!!"}, "slug", "Enter a short name for web addresses")],
)  # fmt: skip
def test_programme_mistakes_are_shown_next_to_the_field(coordinator_client, data, field, message):
    make_programme(name="Existing", slug="taken")
    response = coordinator_client.post(reverse("coordinator:programme_create"), {"slug": "", "summary": "", **data})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and f'href="#id_{field}"' in html and "<title>Error: " in html
    assert Programme.objects.count() == 1


def test_html_in_a_programme_is_escaped(coordinator_client):
    make_programme(name="<script>alert(1)</script>", summary="<b>bold</b>")
    html = coordinator_client.get(reverse("coordinator:programme_list")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- The session page leads to everything for the session ---------------------------------------


def test_session_page_links_to_the_tools_the_day_pages_and_the_records(coordinator_client):
    session = make_session()
    html = coordinator_client.get(reverse("coordinator:session_detail", args=[session.pk])).content.decode()
    for url in [
        reverse("coordinator:session_bookings", args=[session.pk]),
        reverse("coordinator:booking_add", args=[session.pk]),
        reverse("coordinator:session_message", args=[session.pk]),
        reverse("coordinator:bookings_export", args=[session.pk]),
        reverse("coordinator:session_duplicate", args=[session.pk]),
        reverse("coordinator:session_cancel", args=[session.pk]),
        reverse("day:check_in", args=[session.pk]),
        reverse("day:agenda", args=[session.pk]),
        reverse("day:printables", args=[session.pk]),
        reverse("day:access_briefing", args=[session.pk]),
        reverse("day:access_summary", args=[session.pk]),
        f"{reverse('team:outbox')}?session={session.pk}",
        f"{reverse('team:audit_log')}?session={session.pk}",
    ]:
        assert f'href="{url}"' in html, url


def test_a_cancelled_session_offers_no_cancel_message_or_new_booking(coordinator_client):
    session = make_session(status="cancelled", cancel_reason="Snow")
    html = coordinator_client.get(reverse("coordinator:session_detail", args=[session.pk])).content.decode()
    assert "Snow" in html
    for name in ("session_cancel", "session_message", "booking_add"):
        assert reverse(f"coordinator:{name}", args=[session.pk]) not in html
    assert reverse("coordinator:session_duplicate", args=[session.pk]) in html


def test_facilitator_home_leads_to_the_day_pages_only(client):
    from roundtable.accounts.testing import make_facilitator

    session = make_session(title="Tuesday")
    client.force_login(make_facilitator())
    html = client.get(reverse("coordinator:home")).content.decode()
    assert reverse("day:agenda", args=[session.pk]) in html and reverse("day:check_in", args=[session.pk]) in html
    assert f'href="{reverse("coordinator:session_detail", args=[session.pk])}"' not in html
    assert reverse("team:outbox") not in html and reverse("coordinator:programme_list") not in html


# --- Hostile and odd input: a 400 with a message, never a 500, never half a session -------------


@pytest.mark.parametrize(
    "tampered",
    [{"held-TOTAL_FORMS": "lots"}, {"held-TOTAL_FORMS": "500"}, {"held-0-id": "abc"},
     {"held-0-release_days_before": "-3"}, {"held-0-places": "0"}, {"held-0-who": "<script>x()</script>"}],
)  # fmt: skip
def test_tampered_held_places_are_refused_without_a_500(coordinator_client, tampered):
    data = session_data(make_venue(), held=[{"places": "3", "who": ["carer"], "release_days_before": "7"}])
    data.update(tampered)
    response = coordinator_client.post(CREATE, data)
    assert response.status_code == 400
    assert "<title>Error: " in response.content.decode() and "<script>x()" not in response.content.decode()
    assert not Session.objects.exists() and not ReservedPlaces.objects.exists()


def test_a_held_group_from_another_session_cannot_be_taken_over(coordinator_client):
    other = make_session(title="Other")
    theirs = ReservedPlaces.objects.create(session=other, places=2, perspectives=["carer"],
                                           release_at=other.starts_at - timedelta(days=7))  # fmt: skip
    mine = make_session(title="Mine")
    held = [{"id": str(theirs.pk), "places": "5", "who": ["student"], "release_days_before": "3"}]
    assert coordinator_client.post(reverse("coordinator:session_edit", args=[mine.pk]),
                                   edit_data(mine, held=held)).status_code == 302  # fmt: skip
    theirs.refresh_from_db()
    assert (theirs.session_id, theirs.places, theirs.perspectives) == (other.pk, 2, ["carer"])
    assert ReservedPlaces.objects.get(session=mine).places == 5


def test_running_again_far_in_the_future_is_refused(coordinator_client):
    session = make_session()
    response = coordinator_client.post(reverse("coordinator:session_duplicate", args=[session.pk]),
                                       {"title": "Far", "starts_on_day": "31", "starts_on_month": "12",
                                        "starts_on_year": "9999"})  # fmt: skip
    assert response.status_code == 400 and "must be within the next 5 years" in response.content.decode()


def test_html_typed_into_a_cancel_reason_is_shown_escaped(coordinator_client):
    session = make_session(title="<i>Italic</i>")
    response = coordinator_client.post(reverse("coordinator:session_cancel", args=[session.pk]),
                                       {"reason": "<script>alert(1)</script>"}, follow=True)  # fmt: skip
    html = response.content.decode()
    assert "<i>Italic" not in html and "&lt;i&gt;Italic&lt;/i&gt;" in html
    public = coordinator_client.get(session.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in public and "&lt;script&gt;alert(1)&lt;/script&gt;" in public


# --- Who runs it --------------------------------------------------------------------------------


def test_coordinator_chooses_who_runs_a_session_and_whether_they_read_access_details(coordinator_client):
    from roundtable.accounts.testing import make_facilitator

    alex = make_facilitator(name="Alex")
    make_facilitator(email="jo@example.org", name="Jo")
    response = coordinator_client.post(CREATE, session_data(make_venue(), facilitators=[str(alex.pk)],
                                                            share_access_details="on"))  # fmt: skip
    assert response.status_code == 302
    session = Session.objects.get()
    assert list(session.facilitators.all()) == [alex] and session.share_access_details
    edit = coordinator_client.get(reverse("coordinator:session_edit", args=[session.pk])).content.decode()
    assert f'value="{alex.pk}" checked' in edit and "Jo" in edit

    coordinator_client.post(reverse("coordinator:session_edit", args=[session.pk]), edit_data(session))
    session.refresh_from_db()
    assert not session.facilitators.exists() and not session.share_access_details
    assert "facilitators" in AuditEntry.objects.filter(verb="session.updated").last().data["changed"]

    copy_url = reverse("coordinator:session_duplicate", args=[session.pk])
    session.facilitators.set([alex])
    day = in_days(60)
    coordinator_client.post(copy_url, {"title": "Again", "starts_on_day": day.day, "starts_on_month": day.month,
                                       "starts_on_year": day.year})  # fmt: skip
    assert list(Session.objects.get(title="Again").facilitators.all()) == [alex]


def test_without_facilitators_the_form_does_not_ask_and_changes_nothing(coordinator_client):
    session = make_session(share_access_details=True)
    page = coordinator_client.get(reverse("coordinator:session_edit", args=[session.pk])).content.decode()
    assert "Who runs it" not in page
    coordinator_client.post(reverse("coordinator:session_edit", args=[session.pk]), edit_data(session, title="New"))
    session.refresh_from_db()
    assert session.title == "New" and session.share_access_details


def test_a_facilitator_sees_only_the_sessions_they_run(client):
    from roundtable.accounts.testing import make_facilitator

    alex, jo = make_facilitator(name="Alex"), make_facilitator(email="jo@example.org", name="Jo")
    theirs, others, anyones = make_session(title="Alex's"), make_session(title="Jo's"), make_session(title="Anyone's")
    theirs.facilitators.set([alex])
    others.facilitators.set([jo])
    client.force_login(alex)
    html = client.get(reverse("coordinator:home")).content.decode()
    assert "Alex&#x27;s" in html and "Anyone&#x27;s" in html and "Jo&#x27;s" not in html
    assert reverse("day:agenda", args=[others.pk]) not in html and reverse("day:agenda", args=[anyones.pk]) in html


def test_a_past_sessions_page_links_to_its_record_and_its_feedback(coordinator_client):
    past = make_session(days_ahead=-2)
    html = coordinator_client.get(reverse("coordinator:session_detail", args=[past.pk])).content.decode()
    assert reverse("records:record", args=[past.pk]) in html
    assert reverse("evaluation:feedback_session", args=[past.pk]) in html
    assert "What came of it" in html

    upcoming = make_session(days_ahead=5)
    html = coordinator_client.get(reverse("coordinator:session_detail", args=[upcoming.pk])).content.decode()
    assert reverse("records:record", args=[upcoming.pk]) in html
    assert reverse("evaluation:feedback_session", args=[upcoming.pk]) not in html
