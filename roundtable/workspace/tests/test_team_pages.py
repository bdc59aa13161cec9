from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.models import Booking, ManageLink
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core import audit
from roundtable.core.models import AuditEntry, OutboundEmail

pytestmark = pytest.mark.django_db

AUDIT = reverse("team:audit_log")
OUTBOX = reverse("team:outbox")


def _email(state, *, to="ama@example.org", subject="You have a place", session=None, **extra):
    return OutboundEmail.objects.create(
        to=to,
        template="booking_confirmation",
        subject=subject,
        state=state,
        session_id=session.pk if session else None,
        **extra,
    )


# --- Who may see them ---------------------------------------------------------------------------


def test_strangers_are_sent_to_sign_in_and_facilitators_are_refused(client):
    for url in (AUDIT, OUTBOX):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    email = _email("sent")
    assert client.post(reverse("team:outbox_send_again", args=[email.pk])).status_code == 404
    client.force_login(make_facilitator())
    for url in (AUDIT, OUTBOX):
        assert client.get(url).status_code == 403
    assert client.post(reverse("team:outbox_send_again", args=[email.pk])).status_code == 403
    assert OutboundEmail.objects.count() == 1


def test_a_manage_link_opens_neither_page(client):
    booking = signup(make_session(), name="Pat").booking
    token = ManageLink.mint(booking=booking)
    client.get(reverse("bookings:manage", args=[token]))
    for url in (AUDIT, OUTBOX, f"{OUTBOX}?token={token}"):
        assert client.get(url).status_code == 302
    assert client.post(reverse("team:outbox_send_again", args=[OutboundEmail.objects.first().pk])).status_code == 404


# --- Audit log ----------------------------------------------------------------------------------


def test_audit_log_shows_who_when_and_what_newest_first(coordinator_client, coordinator):
    session = make_session(title="Planning day")
    booking = signup(session, name="Ama").booking
    audit.log(coordinator, "access_needs.viewed", session, version="with names")
    AuditEntry.objects.filter(verb="booking.created").update(created_at=timezone.now() - timedelta(hours=1))
    html = coordinator_client.get(AUDIT).content.decode()
    assert html.index("Looked at access needs") < html.index("Booked a place")
    assert "Sam Coordinator" in html and "participant" in html
    assert f"{booking.person.name} on Planning day" in html and "Session: Planning day" in html
    assert "Version: with names" in html


def test_audit_log_never_shows_what_was_written_in_an_entrys_details(coordinator_client, coordinator):
    session = make_session()
    audit.log(coordinator, "booking.cancelled", session, reason="Their chemotherapy was moved", status="cancelled")
    html = coordinator_client.get(AUDIT).content.decode()
    assert "chemotherapy" not in html
    assert "Status: cancelled" in html


def test_audit_log_filters_by_session_and_by_verb(coordinator_client, coordinator):
    first, second = make_session(title="First"), make_session(title="Second")
    audit.log(coordinator, "access_needs.viewed", first)
    audit.log(coordinator, "access_needs.exported", first)
    audit.log(coordinator, "access_needs.viewed", second)
    by_session = coordinator_client.get(AUDIT, {"session": first.pk}).context["rows"]
    assert {row["entry"].session_id for row in by_session} == {first.pk} and len(by_session) == 2
    both = coordinator_client.get(AUDIT, {"session": first.pk, "verb": "access_needs.viewed"}).context["rows"]
    assert [(row["entry"].verb, row["entry"].session_id) for row in both] == [("access_needs.viewed", first.pk)]


def test_a_filter_value_not_in_the_list_gets_an_error_message(coordinator_client):
    response = coordinator_client.get(AUDIT, {"session": "'; drop table", "verb": "<script>"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in html and "Choose a session from the list" in html and 'href="#id_session"' in html
    assert "<script>" not in html


def test_audit_log_pages_through_entries_and_costs_the_same_queries_for_20_or_300(coordinator_client, coordinator):
    session = make_session()
    counts = []
    for total in (20, 300):
        AuditEntry.objects.all().delete()
        AuditEntry.objects.bulk_create(
            AuditEntry(actor=coordinator, verb="access_needs.viewed", session_id=session.pk, target_label=f"Entry {i}")
            for i in range(total)
        )
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(AUDIT)
        counts.append(len(queries))
    # sign-in session + user, session choices, verb choices, count, page, session titles
    assert counts == [7, 7]
    assert len(response.context["rows"]) == 50
    assert "Page 1 of 6" in response.content.decode()
    last = coordinator_client.get(AUDIT, {"page": 6})
    assert len(last.context["rows"]) == 50
    assert coordinator_client.get(AUDIT, {"page": "nonsense"}).status_code == 200


# --- Outbox -------------------------------------------------------------------------------------


def test_outbox_shows_each_emails_state_attempts_and_last_error(coordinator_client):
    _email("sent", to="sent@example.org", attempts=1, sent_at=timezone.now())
    _email(
        "retrying", to="later@example.org", attempts=2, last_error="Connection refused", next_attempt_at=timezone.now()
    )
    _email("failed", to="bounced@example.org", attempts=8, last_error="550 mailbox unavailable")
    _email("queued", to="queued@example.org", subject="")
    html = coordinator_client.get(OUTBOX).content.decode()
    for text in (
        "Waiting to retry",
        "Connection refused",
        "550 mailbox unavailable",
        "2 attempts",
        "8 attempts",
        "Booking confirmation",
        "queued@example.org",
        "Next try",
    ):
        assert text in html, text


def test_outbox_filters_by_state_and_session(coordinator_client):
    session = make_session()
    _email("failed", to="a@example.org", session=session)
    _email("failed", to="b@example.org")
    _email("sent", to="c@example.org", session=session)
    rows = coordinator_client.get(OUTBOX, {"state": "failed", "session": session.pk}).context["rows"]
    assert [row["email"].to for row in rows] == ["a@example.org"]
    assert coordinator_client.get(OUTBOX, {"state": "lost"}).status_code == 400


def test_send_again_queues_a_copy_and_says_so(coordinator_client):
    session = make_session()
    failed = _email("failed", session=session, booking_id=None, last_error="550")
    response = coordinator_client.post(
        reverse("team:outbox_send_again", args=[failed.pk]), {"next": f"{OUTBOX}?state=failed"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{OUTBOX}?state=failed"
    assert "A new copy of “You have a place” to ama@example.org is queued" in response.content.decode()
    copy = OutboundEmail.objects.exclude(pk=failed.pk).get()
    assert (copy.to, copy.template, copy.state, copy.session_id) == (
        "ama@example.org",
        "booking_confirmation",
        "queued",
        session.pk,
    )


def test_an_email_still_on_its_way_is_not_sent_again(coordinator_client):
    for state in ("queued", "sending", "retrying"):
        email = _email(state)
        response = coordinator_client.post(reverse("team:outbox_send_again", args=[email.pk]), follow=True)
        assert "cannot be sent again yet" in response.content.decode()
    assert OutboundEmail.objects.count() == 3


def test_send_again_never_redirects_to_another_site(coordinator_client):
    email = _email("sent")
    response = coordinator_client.post(
        reverse("team:outbox_send_again", args=[email.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == OUTBOX


def test_a_walk_in_without_an_address_has_no_send_again_button(coordinator_client):
    session = make_session()
    from roundtable.core.email import queue_email

    queue_email(to="walk-in-1@walk-in.invalid", template="booking_confirmation", session_id=session.pk)
    html = coordinator_client.get(OUTBOX).content.decode()
    assert "No email address for this person." in html
    assert "Send again" not in html


def test_outbox_costs_the_same_queries_for_10_or_300_emails(coordinator_client):
    session = make_session()
    counts = []
    for total in (10, 300):
        OutboundEmail.objects.all().delete()
        OutboundEmail.objects.bulk_create(
            OutboundEmail(to=f"p{i}@example.org", template="booking_confirmation", state="sent", session_id=session.pk)
            for i in range(total)
        )
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(OUTBOX)
        counts.append(len(queries))
    # sign-in session + user, session choices, totals by state, count, page, session titles
    assert counts == [7, 7]
    assert len(response.context["rows"]) == 50


def test_bookings_made_by_people_show_up_with_their_emails(coordinator_client):
    session = make_session(title="Planning day")
    signup(session, name="Ama", email="ama@example.org")
    assert Booking.objects.count() == 1
    html = coordinator_client.get(OUTBOX, {"session": session.pk}).content.decode()
    assert "ama@example.org" in html and "Session: Planning day" in html
