from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.workspace.tests.day_factories import crowd

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    session = make_session(title="Building the Centre together", capacity=3)
    signup(session, name="zoe lower", pronouns="she/her")
    signup(session, name="Adam First")
    signup(session, name="Mal <b>Bold</b>")
    signup(session, name="Walter Waiting")  # the fourth goes to the waiting list
    return session


@pytest.fixture
def facilitator_client(client):
    client.force_login(make_facilitator())
    return client


def _booking(name):
    return Booking.objects.get(person__name=name)


def _mark(client, session, booking, action, **extra):
    return client.post(reverse("day:check_in_mark", args=[session.pk, booking.pk]), {"action": action, **extra})


def test_list_is_alphabetical_whatever_the_case_with_pronouns_and_nobody_waiting(facilitator_client, session):
    html = facilitator_client.get(reverse("day:check_in", args=[session.pk])).content.decode()
    assert html.index("Adam First") < html.index("Mal &lt;b&gt;Bold&lt;/b&gt;") < html.index("zoe lower")
    assert "(she/her)" in html
    assert "Walter Waiting" not in html
    assert "<b>Bold</b>" not in html


def test_one_tap_signs_someone_in_and_returns_to_their_row(facilitator_client, session):
    adam = _booking("Adam First")
    response = _mark(facilitator_client, session, adam, "attended")
    assert response.status_code == 302
    assert response["Location"] == reverse("day:check_in", args=[session.pk]) + f"#booking-{adam.pk}"
    adam.refresh_from_db()
    assert adam.status == Booking.Status.ATTENDED
    assert AuditEntry.objects.filter(verb="booking.attended", target_id=str(adam.pk)).exists()
    page = facilitator_client.get(response["Location"]).content.decode()
    assert "Adam First is signed in." in page
    assert 'Undo<span class="govuk-visually-hidden"> sign-in for Adam First</span>' in page


def test_undo_puts_them_back_as_not_signed_in(facilitator_client, session):
    adam = _booking("Adam First")
    _mark(facilitator_client, session, adam, "attended")
    _mark(facilitator_client, session, adam, "undo")
    adam.refresh_from_db()
    assert adam.status == Booking.Status.CONFIRMED
    assert AuditEntry.objects.filter(verb="booking.confirmed", target_id=str(adam.pk)).exists()


def test_a_search_is_kept_when_returning_to_the_row(facilitator_client, session):
    zoe = _booking("zoe lower")
    response = _mark(facilitator_client, session, zoe, "attended", q="zoe")
    assert response["Location"] == reverse("day:check_in", args=[session.pk]) + f"?q=zoe#booking-{zoe.pk}"


def test_search_finds_part_of_a_name_in_any_case(facilitator_client, session):
    html = facilitator_client.get(reverse("day:check_in", args=[session.pk]), {"q": "ZOE"}).content.decode()
    assert "zoe lower" in html and "Adam First" not in html
    assert "1 person matches" in html


def test_someone_on_the_waiting_list_or_cancelled_cannot_be_signed_in_through_the_list(facilitator_client, session):
    walter = _booking("Walter Waiting")
    assert _mark(facilitator_client, session, walter, "attended").status_code == 404
    assert Booking.objects.get(pk=walter.pk).status == Booking.Status.WAITLISTED
    adam = _booking("Adam First")
    booking_cancel(booking_id=adam.pk)
    assert _mark(facilitator_client, session, adam, "attended").status_code == 404
    assert Booking.objects.get(pk=adam.pk).status == Booking.Status.CANCELLED


def test_a_booking_from_another_session_is_not_found(facilitator_client, session):
    other = signup(make_session(title="Other"), name="Olive Other").booking
    assert _mark(facilitator_client, session, other, "attended").status_code == 404
    assert Booking.objects.get(pk=other.pk).status == Booking.Status.CONFIRMED


def test_an_unknown_action_changes_nothing(facilitator_client, session):
    adam = _booking("Adam First")
    response = _mark(facilitator_client, session, adam, "explode")
    assert response.status_code == 302
    assert Booking.objects.get(pk=adam.pk).status == Booking.Status.CONFIRMED


def test_walk_in_is_added_and_signed_in_in_one_go_even_when_the_session_is_full(facilitator_client, session):
    response = facilitator_client.post(
        reverse("day:walk_in", args=[session.pk]),
        {"walk-in-name": "Wanda Walk-in", "walk-in-email": "", "walk-in-pronouns": "she/her"},
    )
    wanda = _booking("Wanda Walk-in")
    assert response.status_code == 302 and response["Location"].endswith(f"#booking-{wanda.pk}")
    assert wanda.status == Booking.Status.ATTENDED and wanda.person.pronouns == "she/her"
    assert wanda.source == Booking.Source.COORDINATOR
    assert AuditEntry.objects.filter(verb="booking.walk_in", target_id=str(wanda.pk)).exists()
    assert not OutboundEmail.objects.filter(to=wanda.person.email).exists()


def test_walk_in_without_a_name_shows_the_error_next_to_the_field(facilitator_client, session):
    before = Booking.objects.count()
    response = facilitator_client.post(
        reverse("day:walk_in", args=[session.pk]), {"walk-in-name": " ", "walk-in-email": "not-an-email"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in html
    assert 'href="#id_walk-in-name"' in html and "Enter the name they want to be called" in html
    assert 'id="id_walk-in-email-error"' in html
    assert '<details class="govuk-details" open>' in html
    assert Booking.objects.count() == before


def test_marking_the_rest_as_no_show_waits_until_the_session_has_started(facilitator_client, session):
    response = facilitator_client.post(reverse("day:check_in_no_shows", args=[session.pk]))
    assert response.status_code == 302
    assert not Booking.objects.filter(status=Booking.Status.NO_SHOW).exists()


def test_after_the_start_the_rest_are_marked_no_show_and_can_still_be_signed_in(facilitator_client, session):
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    adam = _booking("Adam First")
    _mark(facilitator_client, session, adam, "attended")
    facilitator_client.post(reverse("day:check_in_no_shows", args=[session.pk]))
    statuses = dict(Booking.objects.values_list("person__name", "status"))
    assert statuses == {
        "Adam First": "attended",
        "zoe lower": "no_show",
        "Mal <b>Bold</b>": "no_show",
        "Walter Waiting": "waitlisted",
    }
    zoe = _booking("zoe lower")
    _mark(facilitator_client, session, zoe, "attended")
    assert Booking.objects.get(pk=zoe.pk).status == Booking.Status.ATTENDED


def test_check_in_page_costs_the_same_queries_with_10_or_500_people(coordinator_client):
    small, large = make_session(capacity=1000), make_session(capacity=1000)
    crowd(small, 10)
    crowd(large, 500)
    counts = []
    for session in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(reverse("day:check_in", args=[session.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    # sign-in session + user, the session, the totals, the list
    assert counts == [5, 5]
    assert response.content.decode().count('class="rt-check-in__row') == 500
