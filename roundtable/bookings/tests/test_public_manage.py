"""Managing a booking from the private link in the email: no account, no password."""

import logging
import re

import pytest
from django.core import mail
from django.test import Client

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import AccessNeeds, Booking, ManageLink
from roundtable.bookings.services import AccessNeedsAnswer, booking_cancel, booking_send_link
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def html(response) -> str:
    return response.content.decode()


def booked(capacity=30, **fields):
    session = make_session(capacity=capacity)
    booking = signup(session, 1, name="Ruth", email="ruth@example.org", **fields).booking
    return session, booking, ManageLink.mint(booking=booking)


def test_manage_page_shows_the_booking_and_its_place(client):
    _, booking, token = booked()
    page = client.get(f"/booking/{token}/")
    assert page.status_code == 200
    assert "You have a place" in html(page) and "Ruth" in html(page) and "ruth@example.org" in html(page)
    assert f'href="/booking/{token}/cancel/"' in html(page)


def test_manage_page_shows_waiting_list_number(client):
    session = make_session(capacity=1)
    signup(session, 1)
    signup(session, 2)
    mine = signup(session, 3, email="ruth@example.org").booking
    page = client.get(f"/booking/{ManageLink.mint(booking=mine)}/")
    assert "You are number 2 on the waiting list" in html(page)


def test_every_private_page_is_never_cached_and_never_sent_as_a_referrer(client):
    _, booking, token = booked()
    for url in (f"/booking/{token}/", f"/booking/{token}/cancel/", "/booking/not-a-real-token/"):
        response = client.get(url)
        assert response["Referrer-Policy"] == "no-referrer", url
        assert "no-store" in response["Cache-Control"], url
    refused = Client(enforce_csrf_checks=True).post(f"/booking/{token}/cancel/")
    assert refused.status_code == 403 and refused["Referrer-Policy"] == "no-referrer"
    response = client.post(f"/booking/{token}/cancel/")
    cancelled = client.get(response.url)
    assert cancelled["Referrer-Policy"] == "no-referrer" and "no-store" in cancelled["Cache-Control"]


def test_updating_access_needs_needs_consent_and_is_saved_through_the_link(client):
    _, booking, token = booked()
    refused = client.post(f"/booking/{token}/", {"access_needs": ["large_print"]})
    assert refused.status_code == 400
    assert "<title>Error: " in html(refused)
    assert '<a href="#id_access_consent">Tick the box to agree' in html(refused)
    assert 'value="large_print" checked' in html(refused)
    assert not AccessNeeds.objects.exists()

    saved = client.post(
        f"/booking/{token}/",
        {
            "access_needs": ["large_print"],
            "access_details": "Size 18 please",
            "access_consent": "on",
            "keep_on_file": "on",
        },
    )
    assert saved.status_code == 302 and saved.url == f"/booking/{token}/?updated=1"
    needs = AccessNeeds.objects.get(booking=booking)
    assert needs.needs == ["large_print"] and needs.details == "Size 18 please" and needs.keep_on_file
    assert AuditEntry.objects.filter(verb="access_needs.updated", target_id=str(booking.pk)).exists()

    after = client.get(saved.url)
    assert "We have saved your answers about access needs." in html(after)
    assert 'value="large_print" checked' in html(after) and "Size 18 please" in html(after)
    assert AuditEntry.objects.filter(verb="access_needs.viewed", target_id=str(booking.pk)).count() == 1


def test_withdrawing_consent_deletes_what_they_told_us(client):
    _, booking, token = booked(access_needs=AccessNeedsAnswer(needs=["bsl"], consent=True))
    assert AccessNeeds.objects.filter(booking=booking).exists()
    response = client.post(f"/booking/{token}/", {})
    assert response.status_code == 302
    assert not AccessNeeds.objects.filter(booking=booking).exists()


def test_cancelling_asks_first_then_cancels_revokes_and_promotes(client):
    session = make_session(capacity=1)
    mine = signup(session, 1, email="ruth@example.org").booking
    waiting = signup(session, 2).booking
    token = ManageLink.mint(booking=mine)

    question = client.get(f"/booking/{token}/cancel/")
    assert "Are you sure you want to cancel?" in html(question)
    assert Booking.objects.get(pk=mine.pk).status == "confirmed"

    response = client.post(f"/booking/{token}/cancel/")
    assert response.status_code == 302 and token not in response.url
    assert "Your booking is cancelled" in html(client.get(response.url))
    assert Booking.objects.get(pk=mine.pk).status == "cancelled"
    assert Booking.objects.get(pk=waiting.pk).status == "confirmed"
    assert OutboundEmail.objects.filter(template="booking_cancelled", booking_id=mine.pk).exists()

    for url in (f"/booking/{token}/", f"/booking/{token}/cancel/"):
        gone = client.get(url)
        assert gone.status_code == 404 and "This link no longer works" in html(gone)
    assert client.post(f"/booking/{token}/cancel/").status_code == 404


def test_link_stops_working_when_the_team_cancels_too(client):
    _, booking, token = booked()
    booking_cancel(booking_id=booking.pk, actor=make_coordinator(), reason="Double booked")
    assert client.get(f"/booking/{token}/").status_code == 404


def test_every_email_link_works_until_the_booking_is_cancelled(client):
    session = make_session()
    signup(session, 1, email="ruth@example.org")
    booking_send_link(session_id=session.pk, email="ruth@example.org")  # "send my link again": a second link
    run_tasks()
    links = [m.body.split("/booking/")[1].split("/")[0] for m in mail.outbox]
    assert len(set(links)) == 2
    assert all(client.get(f"/booking/{t}/").status_code == 200 for t in links)
    client.post(f"/booking/{links[0]}/cancel/")
    assert all(client.get(f"/booking/{t}/").status_code == 404 for t in links)


def test_private_token_never_reaches_the_logs(client, caplog):
    _, booking, token = booked()
    booking_cancel(booking_id=booking.pk)
    strict = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.DEBUG):
        assert client.get(f"/booking/{token}/").status_code == 404
        assert client.get(f"/booking/{token}/cancel/").status_code == 404
        assert strict.post(f"/booking/{token}/cancel/").status_code == 403  # no CSRF token
    assert caplog.records, "Django should still log the failures, just without the token"
    assert token not in caplog.text
    assert all(token not in r.getMessage() for r in caplog.records)
    assert "/booking/[private]" in caplog.text


def test_manage_page_with_nonsense_tokens_is_not_found(client):
    for token in ("x", "a" * 300, "%00", "../admin"):
        assert client.get(f"/booking/{token}/").status_code == 404


def test_forms_on_private_pages_work_with_the_null_origin_browsers_send_under_no_referrer():
    _, booking, token = booked()
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/booking/{token}/cancel/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(page)).group(1)

    other_site = browser.post(
        f"/booking/{token}/cancel/", {"csrfmiddlewaretoken": csrf}, HTTP_ORIGIN="https://evil.example"
    )
    assert other_site.status_code == 403
    no_token = browser.post(f"/booking/{token}/cancel/", {}, HTTP_ORIGIN="null")
    assert no_token.status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"

    ours = browser.post(f"/booking/{token}/cancel/", {"csrfmiddlewaretoken": csrf}, HTTP_ORIGIN="null")
    assert ours.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
