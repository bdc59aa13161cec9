"""The booking emails: confirmation, a place coming up, and cancellation. Both parts, every time."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking, ManageLink
from roundtable.bookings.services import booking_cancel, booking_send_link
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session, make_venue
from roundtable.core.models import OutboundEmail
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = ZoneInfo("Europe/London")


def parts(message) -> tuple[str, str]:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


def ics_of(message) -> Calendar:
    ((filename, content, mimetype),) = message.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def only_email(**filters):
    run_tasks()
    found = [m for m in mail.outbox if all(getattr(m, k) == v for k, v in filters.items())]
    assert len(found) == 1, [m.subject for m in mail.outbox]
    return found[0]


@pytest.fixture
def session():
    venue = make_venue(
        name="Community Hall",
        address="1 Example Street\nLondon",
        postcode="N1C 4AA",
        step_free="yes",
        step_free_note="Ramp at the side door",
        food_and_drink="Tea and biscuits",
    )
    return make_session(
        title="Building the Centre together",
        capacity=1,
        venue=venue,
        starts_at=datetime(2030, 10, 30, 13, 30, tzinfo=LONDON),
    )


def test_confirmation_gives_place_date_venue_access_link_calendar_cancel_and_help(session):
    booking = signup(session, 1, name="Ruth", email="ruth@example.org").booking
    message = only_email()
    text, html = parts(message)
    assert message.to == ["ruth@example.org"]
    assert message.subject == "You have a place at Building the Centre together"
    for part in (text, html):
        assert "Hello Ruth" in part
        assert "You have a place at Building the Centre together" in part
        assert "Wednesday 30 October 2030" in part and "13:30 to 16:30" in part
        assert "Community Hall" in part and "1 Example Street" in part and "N1C 4AA" in part
        assert "Step-free route" in part and "Ramp at the side door" in part and "Tea and biscuits" in part
        assert "Is there anything we can do to accommodate your needs?" in part
        assert f"/sessions/{session.pk}/calendar.ics" in part
        assert "Cancel my booking" in part
        assert "hello@example.org" in part and "020 7946 0000" in part
    token = text.split("/booking/")[1].split("/")[0]
    assert f'href="http://127.0.0.1:8000/booking/{token}/"' in html
    assert ManageLink.booking_for(token).pk == booking.pk

    event = ics_of(message).walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2030, 10, 30, 13, 30, tzinfo=UTC)
    assert str(event["summary"]) == "Building the Centre together"


def test_waiting_list_confirmation_gives_their_number(session):
    signup(session, 1)
    signup(session, 2, email="ruth@example.org")
    message = only_email(to=["ruth@example.org"])
    text, html = parts(message)
    assert message.subject == "You are number 1 on the waiting list for Building the Centre together"
    assert "You are number 1 on the waiting list" in text and "You are number 1 on the waiting list" in html
    assert "/booking/" in text
    assert ics_of(message)


def test_second_sign_up_resends_the_confirmation_saying_so(session):
    signup(session, 1, email="ruth@example.org")
    run_tasks()
    mail.outbox.clear()
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=16))  # after the quiet time
    signup(session, 1, email="ruth@example.org")
    message = only_email()
    text, html = parts(message)
    said = "asked to sign up for this session with this email address. You are already booked"
    assert said in text and said in html
    assert message.subject == "You already have a place at Building the Centre together"
    assert "/booking/" in text


def test_send_my_link_again_email_says_what_it_is(session):
    booking = signup(session, 1, email="ruth@example.org").booking
    run_tasks()
    mail.outbox.clear()
    booking_send_link(session_id=session.pk, email="Ruth@Example.org")
    message = only_email()
    text, html = parts(message)
    assert "asked us to send the link for your booking again" in text and "/booking/" in text
    assert "asked us to send the link for your booking again" in html
    assert message.subject == "You already have a place at Building the Centre together"
    assert OutboundEmail.objects.filter(booking_id=booking.pk, context__resent=True).count() == 1


def test_a_place_coming_up_is_emailed_with_a_new_link_and_calendar(session):
    holder = signup(session, 1).booking
    signup(session, 2, email="ruth@example.org", name="Ruth")
    run_tasks()
    mail.outbox.clear()
    booking_cancel(booking_id=holder.pk)
    message = only_email(to=["ruth@example.org"])
    text, html = parts(message)
    assert message.subject == "A place has come up: you have a place at Building the Centre together"
    assert "a place has come up" in text.lower() and "A place has come up" in html
    token = text.split("/booking/")[1].split("/")[0]
    assert ManageLink.booking_for(token).status == "confirmed"
    assert ics_of(message).walk("VEVENT")


def test_cancelling_yourself_is_confirmed_without_a_link(session):
    booking = signup(session, 1, email="ruth@example.org").booking
    run_tasks()
    mail.outbox.clear()
    booking_cancel(booking_id=booking.pk)
    message = only_email()
    text, html = parts(message)
    assert message.subject == "Your booking for Building the Centre together is cancelled"
    assert "is cancelled, as you asked" in text and "You asked us to cancel it" in html
    assert "/booking/" not in text and "/booking/" not in html
    assert message.attachments == []


def test_team_cancelling_gives_the_reason(session):
    booking = signup(session, 1, email="ruth@example.org").booking
    run_tasks()
    mail.outbox.clear()
    booking_cancel(booking_id=booking.pk, actor=make_coordinator(), reason="The room is <needed> for a vaccine clinic")
    text, html = parts(only_email())
    assert "The team has cancelled your booking" in text and "The team has cancelled your booking" in html
    assert "The reason they gave: The room is <needed> for a vaccine clinic" in text
    assert "The room is &lt;needed&gt; for a vaccine clinic" in html and "<needed>" not in html


def test_confirmation_for_a_booking_cancelled_before_sending_is_not_sent(session):
    booking = signup(session, 1, email="ruth@example.org").booking
    booking_cancel(booking_id=booking.pk)
    run_tasks()
    assert [m.subject for m in mail.outbox] == ["Your booking for Building the Centre together is cancelled"]
    assert OutboundEmail.objects.get(template="booking_confirmation").state == "failed"


def test_names_with_apostrophes_read_naturally_in_the_text_part(session):
    signup(session, 1, name="Siobhán O'Brien & family", email="ruth@example.org")
    text, html = parts(only_email())
    assert "Hello Siobhán O'Brien & family," in text
    assert "Hello Siobhán O&#x27;Brien &amp; family," in html
    assert Booking.objects.count() == 1
