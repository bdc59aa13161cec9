"""The session page is kept in memory for visitors who are not signed in (roundtable/core/pagecache.py).
Whatever changes on the page must show on the very next visit, and every visitor must get a form
token of their own."""

import re
from datetime import time, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings import views
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import ReservedPlaces
from roundtable.cocreation.services import AgendaEntry, session_update
from roundtable.cocreation.testing import add_agenda, make_programme, make_session

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _page(client, session) -> str:
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _kept_then_served(client, session, django_assert_num_queries) -> str:
    """Render once (kept), then prove the next view came from memory (one query: the version)."""
    _page(client, session)
    with django_assert_num_queries(1):
        return _page(client, session)


def test_a_sign_up_and_a_cancellation_show_on_the_next_view(client, django_assert_num_queries):
    session = make_session(capacity=2)
    assert "2 places left" in _kept_then_served(client, session, django_assert_num_queries)
    first = signup(session, 1).booking
    assert "1 place left" in _page(client, session)
    signup(session, 2)
    signup(session, 3)
    assert "Full – waiting list open (1 waiting)" in _kept_then_served(client, session, django_assert_num_queries)
    booking_cancel(booking_id=first.pk)  # the first on the waiting list takes the place
    html = _page(client, session)
    assert "Full – waiting list open" in html and "waiting)" not in html


def test_a_booking_changed_behind_the_counts_still_shows(client, django_assert_num_queries):
    """Held places left depend on which pool a booking took; any booking change moves the version."""
    session = make_session(capacity=4)
    ReservedPlaces.objects.create(
        session=session, places=2, for_newcomers=True, release_at=timezone.now() + timedelta(days=7)
    )
    signup(session, 1)
    before = _kept_then_served(client, session, django_assert_num_queries)
    assert "Right now 3 places are left: 1 of them kept as above" in before
    Booking.objects.filter(session=session).update(reserved_place=None, updated_at=timezone.now())
    assert "Right now 3 places are left: 2 of them kept as above" in _page(client, session)


def test_editing_the_session_its_agenda_venue_or_programme_shows_at_once(
    client, coordinator, django_assert_num_queries
):
    programme = make_programme(name="Growing together")
    session = make_session(programme=programme)
    add_agenda(session)
    html = _kept_then_served(client, session, django_assert_num_queries)
    assert "Working together creatively" in html and "Growing together" in html

    session_update(
        session=session, actor=coordinator, title="A new title", starts_at=session.starts_at,
        ends_at=session.ends_at, capacity=session.capacity, venue=session.venue, programme=programme,
        agenda=[AgendaEntry(starts_at=time(13, 30), title="Games with Play-Doh")],
    )  # fmt: skip
    html = _page(client, session)
    assert "A new title" in html and "Games with Play-Doh" in html and "Working together creatively" not in html

    session.venue.step_free_note = "Ramp at the side door"
    session.venue.save()
    assert "Ramp at the side door" in _kept_then_served(client, session, django_assert_num_queries)

    programme.name = "Growing together, year two"
    programme.save()
    assert "Growing together, year two" in _page(client, session)

    session.agenda.get().delete()
    assert "Games with Play-Doh" not in _page(client, session)


def test_the_clock_moves_the_page_on(client, monkeypatch, django_assert_num_queries):
    """Sign-up opening and held places being released happen with no edit at all."""
    now = timezone.now()
    session = make_session(capacity=3, signup_opens_at=now + timedelta(hours=1))
    ReservedPlaces.objects.create(session=session, places=2, for_newcomers=True, release_at=now + timedelta(hours=2))
    html = _kept_then_served(client, session, django_assert_num_queries)
    assert "Sign-up has not opened yet" in html

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=1, minutes=1))
    html = _page(client, session)
    assert "Sign-up has not opened yet" not in html and "Sign up" in html
    assert "2 places are kept for people coming for the first time" in html

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2, minutes=1))
    html = _page(client, session)
    assert "kept for people coming for the first time" not in html
    assert "Places are given in the order people sign up" in html


def test_readers_get_no_cookie_and_the_footer_form_still_works_from_a_kept_page(django_assert_num_queries):
    session = make_session()
    reader = Client(enforce_csrf_checks=True)
    _kept_then_served(reader, session, django_assert_num_queries)
    assert not reader.cookies  # no form token, no session: nothing to set
    response = reader.post(
        "/newsletter/", {"email": "reader@example.org", "source": "footer"}, headers={"Origin": "http://testserver"}
    )
    assert response.status_code == 302 and response.url == "/newsletter/check-your-email/"


def test_a_page_carrying_a_form_token_is_never_kept(rf):
    from django.middleware.csrf import get_token
    from django.template import engines

    from roundtable.core.pagecache import shared_page

    def render_with_token(request):
        html = engines["django"].from_string("<form>{% csrf_token %}</form>").render({}, request)
        return HttpResponse(html)

    seen = []
    for _ in range(2):
        request = rf.get("/somewhere/")
        request.user = AnonymousUser()
        SessionMiddleware(lambda r: None).process_request(request)
        MessageMiddleware(lambda r: None).process_request(request)
        response = shared_page(request, "a-page-with-a-form:1", lambda request=request: render_with_token(request))
        seen.append(TOKEN.search(response.content.decode()).group(1))
        assert get_token(request)  # each request has its own
    assert seen[0] != seen[1]


def test_signed_in_people_are_never_served_the_shared_page(client, django_assert_num_queries):
    session = make_session()
    assert "Sign in" in _kept_then_served(client, session, django_assert_num_queries)
    team = Client()
    team.force_login(make_coordinator())
    html = _page(team, session)
    assert "Coordinator area" in html and ">Sign in<" not in html
    assert "Coordinator area" not in _page(client, session)


def test_a_message_waiting_for_the_visitor_is_shown_not_replaced_by_the_kept_page(client):
    session = make_session()
    _page(client, session)  # kept
    request = RequestFactory().get(session.get_absolute_url())
    request.user = AnonymousUser()
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    from django.contrib import messages

    messages.success(request, "You have cancelled your place")
    response = views.session_detail(request, session.pk)
    assert "You have cancelled your place" in response.content.decode()
    assert get_messages(request).used  # marked as shown, so it is not shown again


def test_an_unknown_or_draft_session_is_still_not_found(client):
    draft = make_session(status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/sessions/99999999999999999999/").status_code == 404
