"""The booking's private pages go through core's private-link mechanism: private headers on every
answer, a link that stops when revoked, and no token or signed reference in any log line."""

import logging

import pytest
from django.core import signing
from django.test import Client

from roundtable.bookings.models import ManageLink
from roundtable.bookings.testing import signup
from roundtable.bookings.views import CANCELLED_SALT
from roundtable.cocreation.testing import make_session

pytestmark = pytest.mark.django_db(transaction=True)


def booked():
    session = make_session()
    booking = signup(session, 1, name="Ruth", email="ruth@example.org").booking
    return session, booking, ManageLink.mint(booking=booking)


def assert_private(response, url) -> None:
    assert response["Referrer-Policy"] == "no-referrer", url
    assert "no-store" in response["Cache-Control"], url
    assert response["X-Robots-Tag"] == "noindex", url


def test_every_booking_private_page_sends_no_referrer_no_store_and_noindex(client):
    session, booking, token = booked()
    signed_up = client.post(f"/sessions/{session.pk}/sign-up/", {"name": "Ann", "email": "ann@example.org"}).url
    assert "/signed-up/" in signed_up and client.get(signed_up).status_code == 200
    for url in (
        f"/booking/{token}/",
        f"/booking/{token}/cancel/",
        "/booking/not-a-real-token/",
        signed_up,
        f"/sessions/{session.pk}/signed-up/not-signed/",
        "/booking/cancelled/not-signed/",
    ):
        assert_private(client.get(url), url)
    refused = Client(enforce_csrf_checks=True).post(f"/booking/{token}/cancel/")
    assert refused.status_code == 403
    assert_private(refused, "refused cancel")
    assert_private(client.put(f"/booking/{token}/"), "wrong method")
    cancelled = client.get(client.post(f"/booking/{token}/cancel/").url)
    assert cancelled.status_code == 200
    assert_private(cancelled, "cancelled")


def test_a_revoked_manage_link_stops_working_and_the_others_are_untouched(client):
    _, booking, token = booked()
    _, other, other_token = booked()
    assert ManageLink.revoke_all(booking=booking) == 1
    assert client.get(f"/booking/{token}/").status_code == 404
    assert ManageLink.booking_for(token) is None
    assert client.get(f"/booking/{other_token}/").status_code == 200


def test_a_manage_link_does_not_expire_on_its_own(client):
    _, booking, token = booked()
    ManageLink.objects.update(created_at="2001-01-01T00:00:00Z")
    assert ManageLink.booking_for(token) == booking


def test_neither_a_link_nor_a_signed_reference_reaches_the_logs(client, caplog):
    session, booking, token = booked()
    ManageLink.revoke_all(booking=booking)
    reference = signing.dumps({"b": booking.pk}, salt=CANCELLED_SALT)  # not cancelled: refused
    with caplog.at_level(logging.DEBUG):
        assert client.get(f"/booking/{token}/").status_code == 404
        assert Client(enforce_csrf_checks=True).post(f"/booking/{token}/cancel/").status_code == 403
        assert client.get(f"/booking/cancelled/{reference}/").status_code == 404
        assert client.get(f"/sessions/{session.pk}/signed-up/{reference}/").status_code == 404
    assert len(caplog.records) >= 4
    for secret in (token, reference):
        assert secret not in caplog.text
        assert all(secret not in r.getMessage() for r in caplog.records)
    assert "/booking/[private]" in caplog.text and "/booking/cancelled/[private]" in caplog.text
