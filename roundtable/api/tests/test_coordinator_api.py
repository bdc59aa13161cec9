from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from roundtable.accounts.models import ApiToken
from roundtable.accounts.testing import make_coordinator, make_facilitator
from roundtable.api.tests.helpers import bearer, coordinator_token, post_json
from roundtable.bookings.models import Booking
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import make_programme, make_session, make_venue
from roundtable.core.models import AuditEntry, OutboundEmail

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def new_session_body(venue, **extra):
    body = {
        "title": "Planning the next year",
        "starts_at": "2030-12-13T13:30",
        "ends_at": "2030-12-13T16:30",
        "capacity": 30,
        "venue": venue.pk,
    }
    body.update(extra)
    return body


# --- Tokens -----------------------------------------------------------------------------------


def _calls(session, booking):
    return [
        ("post", "/api/sessions", {"title": "x"}),
        ("get", f"/api/sessions/{session.pk}/bookings", None),
        ("post", f"/api/bookings/{booking.pk}/cancel", None),
    ]


def _call(client, method, path, body, headers):
    if method == "get":
        return client.get(path, **headers)
    return post_json(client, path, body, **headers) if body is not None else client.post(path, **headers)


def _facilitator_headers():
    _, raw = ApiToken.issue(make_facilitator())
    return bearer(raw)


def _revoked_headers():
    token, raw = ApiToken.issue(make_coordinator(email="former@example.org"))
    token.revoked_at = timezone.now()
    token.save()
    return bearer(raw)


def _inactive_headers():
    _, raw = ApiToken.issue(make_coordinator(email="left@example.org", is_active=False))
    return bearer(raw)


@pytest.mark.parametrize(
    "headers",
    [
        lambda: {},
        lambda: bearer("rt_not-a-real-token"),
        lambda: {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
        lambda: bearer("x" * 5000),
        _revoked_headers,
        _inactive_headers,
        _facilitator_headers,
    ],
    ids=["missing", "wrong", "not-bearer", "huge", "revoked", "inactive-coordinator", "facilitator"],
)
def test_coordinator_endpoints_refuse_without_a_valid_coordinator_token(client, headers):
    session = make_session(capacity=1)
    booking = signup(session, 1).booking
    waiting = signup(session, 2).booking
    auth = headers()
    for method, path, body in _calls(session, booking):
        response = _call(client, method, path, body, auth)
        assert response.status_code == 401, path
        assert "Authorization: Bearer" in response.json()["detail"]
        assert response["WWW-Authenticate"] == "Bearer"
    assert Session.objects.count() == 1
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    assert Booking.objects.get(pk=waiting.pk).status == "waitlisted"


# --- Creating a session -----------------------------------------------------------------------


def test_coordinator_creates_and_publishes_a_session(client):
    venue = make_venue(name="Library", hearing_loop="yes")
    programme = make_programme()
    headers = coordinator_token()

    response = post_json(
        client,
        "/api/sessions",
        new_session_body(
            venue,
            programme=programme.pk,
            summary="What next?",
            goals=["Agree priorities", "Pick dates"],
            signup_opens_at="2030-11-01T09:00:00+00:00",
        ),
        **headers,
    )

    assert response.status_code == 201
    body = response.json()
    session = Session.objects.get()
    assert body["id"] == session.pk and body["venue"]["id"] == venue.pk
    assert body["venue"]["accessibility"]["hearing_loop"] == "yes"
    assert body["status"] == "published" and session.status == "published"
    assert body["starts_at"] == "2030-12-13T13:30:00+00:00"  # a naive time is read as London time
    assert session.starts_at == datetime(2030, 12, 13, 13, 30, tzinfo=LONDON)
    assert body["goals"] == ["Agree priorities", "Pick dates"] and body["programme"]["id"] == programme.pk
    assert body["places_left"] == 30 and body["waiting_list_length"] == 0
    assert session.created_by.email == "api-coordinator@example.org"
    assert AuditEntry.objects.filter(verb="session.created", target_id=str(session.pk)).exists()
    assert client.get("/api/sessions").json()["count"] == 1


def test_summer_time_without_an_offset_is_london_summer_time(client):
    body = new_session_body(make_venue(), starts_at="2030-07-01T10:00", ends_at="2030-07-01T12:00")
    response = post_json(client, "/api/sessions", body, **coordinator_token())
    assert response.json()["starts_at"] == "2030-07-01T10:00:00+01:00"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"venue": 987654}, "venue", "There is no venue with that id"),
        ({"venue": 2**70}, "venue", None),
        ({"programme": 987654}, "programme", "There is no programme with that id"),
        ({"ends_at": "2030-12-13T12:00"}, "ends_at", "The end must be after the start"),
        ({"ends_at": "2030-12-13T13:30"}, "ends_at", "The end must be after the start"),
        ({"capacity": 0}, "capacity", "Number of places must be at least 1"),
        ({"capacity": -5}, "capacity", "Number of places must be at least 1"),
        ({"capacity": "lots"}, "capacity", "Number of places must be a whole number"),
        ({"starts_at": "next Tuesday"}, "starts_at", None),
        ({"starts_at": "9999-12-31T23:59:59-23:59"}, "starts_at", None),
        ({"title": "   "}, "title", "Enter a title"),
        ({"title": "t" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"signup_opens_at": "2030-12-14T09:00"}, "signup_opens_at", "Sign-up must open before the session starts"),
    ],
)
def test_session_that_does_not_make_sense_is_a_422_naming_the_field(client, change, field, message):
    body = new_session_body(make_venue())
    body.update(change)
    response = post_json(client, "/api/sessions", body, **coordinator_token())
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert field in [e["field"] for e in detail]
    if message:
        assert {"field": field, "message": message} in detail
    assert not Session.objects.exists()


# --- The booking list -------------------------------------------------------------------------


def _full_session_with_access_needs():
    session = make_session(capacity=2)
    needs = AccessNeedsAnswer(needs=["bsl"], details="SECRET-HEALTH-DETAIL", consent=True)
    bookings = [signup(session, n, access_needs=needs, dietary_needs="nut allergy").booking for n in range(5)]
    return session, bookings


def test_booking_list_has_every_booking_with_waiting_list_positions(client):
    session, bookings = _full_session_with_access_needs()
    signup(make_session(), 99)  # another session's booking stays out

    response = client.get(f"/api/sessions/{session.pk}/bookings", **coordinator_token())

    assert response.status_code == 200
    body = response.json()
    assert body["session"] == session.pk and body["count"] == 5
    rows = body["items"]
    assert [r["id"] for r in rows] == [b.pk for b in bookings]
    assert [r["status"] for r in rows] == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [r["waiting_list_position"] for r in rows] == [None, None, 1, 2, 3]
    assert [r["waiting_list_position"] for r in rows[2:]] == [b.waiting_list_position() for b in bookings[2:]]
    assert rows[0]["name"] == "Person 0" and rows[0]["email"] == "person0@example.org"
    assert set(rows[0]) == {
        "id", "name", "pronouns", "email", "status", "waiting_list_position", "dietary_kinds", "created_at"
    }  # fmt: skip


def test_no_access_needs_appear_in_any_coordinator_response(client):
    session, bookings = _full_session_with_access_needs()
    headers = coordinator_token()
    responses = [
        client.get(f"/api/sessions/{session.pk}/bookings", **headers),
        post_json(client, f"/api/bookings/{bookings[0].pk}/cancel", {}, **headers),
        post_json(client, "/api/sessions", new_session_body(session.venue), **headers),
        client.get(f"/api/sessions/{session.pk}"),
    ]
    for response in responses:
        assert response.status_code in (200, 201)
        text = response.content.decode()
        assert "SECRET-HEALTH-DETAIL" not in text and "bsl" not in text
        assert "access_needs" not in text and "nut allergy" not in text


@pytest.mark.parametrize("bookings", [2, 20])
def test_booking_list_costs_the_same_queries_however_many_bookings(client, django_assert_num_queries, bookings):
    session = make_session(capacity=bookings // 2)
    for n in range(bookings):
        signup(session, n)
    headers = coordinator_token()

    # the token (with its user), the session, the bookings (with their people)
    with django_assert_num_queries(3):
        response = client.get(f"/api/sessions/{session.pk}/bookings", **headers)

    assert response.json()["count"] == bookings
    assert max(r["waiting_list_position"] or 0 for r in response.json()["items"]) == bookings - bookings // 2


def test_coordinators_see_bookings_of_a_draft_session(client):
    session = make_session(status="draft")
    response = client.get(f"/api/sessions/{session.pk}/bookings", **coordinator_token())
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("session_id", ["987654", str(2**80)])
def test_booking_list_of_unknown_session_is_404(client, session_id):
    response = client.get(f"/api/sessions/{session_id}/bookings", **coordinator_token())
    assert response.status_code == 404 and response.json() == {"detail": "We could not find that session."}


# --- Cancelling -------------------------------------------------------------------------------


def test_cancelling_a_booking_promotes_the_first_on_the_waiting_list(client):
    session = make_session(capacity=1)
    holder = signup(session, 1).booking
    first_waiting = signup(session, 2).booking
    second_waiting = signup(session, 3).booking

    response = post_json(
        client, f"/api/bookings/{holder.pk}/cancel", {"reason": "Asked us by phone"}, **coordinator_token()
    )

    assert response.status_code == 200
    body = response.json()
    assert body["booking"]["id"] == holder.pk and body["booking"]["status"] == "cancelled"
    assert body["booking"]["waiting_list_position"] is None
    assert body["promoted"] == [first_waiting.pk]
    assert Booking.objects.get(pk=first_waiting.pk).status == "confirmed"
    assert Booking.objects.get(pk=second_waiting.pk).waiting_list_position() == 1
    assert OutboundEmail.objects.filter(booking_id=first_waiting.pk, template="booking_promoted").exists()
    cancelled = OutboundEmail.objects.get(booking_id=holder.pk, template="booking_cancelled")
    assert cancelled.context["reason"] == "Asked us by phone" and cancelled.context["by_team"] is True
    entry = AuditEntry.objects.get(verb="booking.cancelled", target_id=str(holder.pk))
    assert entry.actor.email == "api-coordinator@example.org"


def test_cancelling_twice_changes_nothing_more(client):
    session = make_session(capacity=1)
    holder = signup(session, 1).booking
    headers = coordinator_token()
    client.post(f"/api/bookings/{holder.pk}/cancel", **headers, content_type="application/json")
    signup(session, 2)

    # No body at all is fine: the reason is optional.
    again = client.generic("POST", f"/api/bookings/{holder.pk}/cancel", **headers)

    assert again.status_code == 200 and again.json()["promoted"] == []
    assert OutboundEmail.objects.filter(booking_id=holder.pk, template="booking_cancelled").count() == 1


@pytest.mark.parametrize("booking_id", ["987654", str(2**80), "0"])
def test_cancelling_an_unknown_booking_is_404(client, booking_id):
    response = post_json(client, f"/api/bookings/{booking_id}/cancel", {}, **coordinator_token())
    assert response.status_code == 404 and response.json() == {"detail": "We could not find that booking."}


def test_cancel_reason_that_is_not_text_is_a_422(client):
    booking = signup(make_session(), 1).booking
    response = post_json(client, f"/api/bookings/{booking.pk}/cancel", {"reason": ["no"]}, **coordinator_token())
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "reason"
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
