"""Every coordinator URL refuses strangers, facilitators (where coordinator-only) and participants
holding a private manage link: a redirect to sign in, a 404 or a 403, never the data."""

import pytest
from django.urls import reverse

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.models import AccessNeeds, Booking, ManageLink
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import Programme, Session
from roundtable.cocreation.testing import make_programme, make_session
from roundtable.core.models import AuditEntry, OutboundEmail

pytestmark = pytest.mark.django_db

SECRET_NAME = "Zebediah Participant"
SECRET_NEED = "Needs a seat near the door"


@pytest.fixture
def world():
    session = make_session(title="Private planning", capacity=1)
    booking = signup(
        session,
        name=SECRET_NAME,
        email="zeb@example.org",
        access_needs=AccessNeedsAnswer(details=SECRET_NEED, consent=True),
    ).booking
    assert AccessNeeds.objects.filter(booking=booking).exists()
    return {"session": session, "booking": booking, "venue": session.venue, "programme": make_programme()}


def list_urls(w):
    return [reverse("coordinator:home"), reverse("coordinator:session_create"), reverse("coordinator:venue_list"),
            reverse("coordinator:venue_create"), reverse("coordinator:programme_list"),
            reverse("coordinator:programme_create")]  # fmt: skip


def object_urls(w):
    s, b, v = w["session"].pk, w["booking"].pk, w["venue"].pk
    return [
        reverse("coordinator:session_detail", args=[s]),
        reverse("coordinator:session_edit", args=[s]),
        reverse("coordinator:session_bookings", args=[s]),
        reverse("coordinator:session_access_needs", args=[s]),
        reverse("coordinator:booking_cancel", args=[b]),
        reverse("coordinator:venue_edit", args=[v]),
        reverse("coordinator:session_duplicate", args=[s]),
        reverse("coordinator:session_cancel", args=[s]),
        reverse("coordinator:session_message", args=[s]),
        reverse("coordinator:booking_add", args=[s]),
        reverse("coordinator:bookings_export", args=[s]),
        reverse("coordinator:programme_edit", args=[w["programme"].pk]),
    ]


def post_urls(w):
    s, b = w["session"].pk, w["booking"].pk
    return [
        reverse("coordinator:session_publish", args=[s]),
        reverse("coordinator:session_unpublish", args=[s]),
        reverse("coordinator:booking_cancel", args=[b]),
        reverse("coordinator:session_edit", args=[s]),
        reverse("coordinator:booking_move", args=[b]),
        reverse("coordinator:booking_promote", args=[b]),
        reverse("coordinator:booking_attendance", args=[b]),
        reverse("coordinator:session_duplicate", args=[s]),
        reverse("coordinator:session_cancel", args=[s]),
        reverse("coordinator:session_message", args=[s]),
        reverse("coordinator:booking_add", args=[s]),
        reverse("coordinator:bookings_export", args=[s]),
        reverse("coordinator:programme_create"),
        reverse("coordinator:programme_edit", args=[w["programme"].pk]),
    ]


# What a hostile post would need to do harm on each of those pages.
HOSTILE = {
    "title": "Hijacked", "reason": "Hijacked", "name": "Hijacked", "email": "hijack@example.org",
    "audience": "everyone", "subject": "Hijacked", "body": "Hijacked", "action": "send", "attendance": "no_show",
    "file_format": "csv", "include_access_needs": "on", "starts_on_day": "1", "starts_on_month": "1",
    "starts_on_year": "2040", "slug": "hijacked",
}  # fmt: skip


def assert_nothing_changed(w):
    w["session"].refresh_from_db()
    assert w["session"].status == "published" and w["session"].title == "Private planning"
    assert Booking.objects.get(pk=w["booking"].pk).status == "confirmed"
    assert Session.objects.count() == 1 and Booking.objects.count() == 1
    assert not Programme.objects.filter(slug="hijacked").exists()
    assert not OutboundEmail.objects.exclude(template="booking_confirmation").exists()
    assert not AuditEntry.objects.filter(verb__in=["access_needs.exported", "bookings.exported"]).exists()


def assert_no_data(response):
    html = response.content.decode()
    assert SECRET_NAME not in html and SECRET_NEED not in html and "zeb@example.org" not in html


def test_stranger_is_sent_to_sign_in_from_list_pages(client, world):
    for url in list_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/sign-in/?next=")


def test_stranger_gets_not_found_for_anything_naming_a_session_booking_or_venue(client, world):
    for url in object_urls(world):
        response = client.get(url)
        assert response.status_code == 404, url
        assert_no_data(response)


def test_stranger_cannot_change_anything(client, world):
    for url in post_urls(world):
        response = client.post(url, HOSTILE)
        assert response.status_code in (302, 404), url
        assert_no_data(response)
    assert_nothing_changed(world)


def test_facilitator_is_refused_every_coordinator_only_page(client, world):
    client.force_login(make_facilitator())
    for url in list_urls(world)[1:] + object_urls(world):
        response = client.get(url)
        assert response.status_code == 403, url
        assert_no_data(response)
    for url in post_urls(world):
        response = client.post(url, HOSTILE)
        assert response.status_code == 403, url
        assert_no_data(response)
    assert_nothing_changed(world)


def test_facilitator_home_lists_sessions_without_bookings_or_tools(client, world):
    client.force_login(make_facilitator())
    response = client.get(reverse("coordinator:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Private planning" in html
    assert reverse("coordinator:session_bookings", args=[world["session"].pk]) not in html
    assert "Create a session" not in html
    assert_no_data(response)


def test_facilitator_never_sees_access_needs_and_no_view_is_logged(client, world):
    client.force_login(make_facilitator())
    response = client.get(reverse("coordinator:session_access_needs", args=[world["session"].pk]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(verb="access_needs.viewed").exists()


def test_participant_with_a_manage_link_opens_nothing_here(client, world):
    raw = ManageLink.mint(booking=world["booking"])
    assert client.get(reverse("bookings:manage", args=[raw])).status_code == 200
    client.cookies["manage_token"] = raw
    for url in list_urls(world) + object_urls(world):
        response = client.get(url, {"token": raw})
        assert response.status_code in (302, 404), url
        assert_no_data(response)
    for url in post_urls(world):
        response = client.post(url + f"?token={raw}", {**HOSTILE, "token": raw})
        assert response.status_code in (302, 404), url
        assert_no_data(response)
    assert_nothing_changed(world)


def test_switched_off_coordinator_loses_access_at_once(client, world, coordinator):
    client.force_login(coordinator)
    coordinator.is_active = False
    coordinator.save()
    response = client.get(reverse("coordinator:session_bookings", args=[world["session"].pk]))
    assert response.status_code == 404
    assert_no_data(response)
