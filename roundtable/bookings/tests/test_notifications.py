from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import AccessNeeds, ReminderSent
from roundtable.bookings.reminders import send_due_reminders
from roundtable.bookings.retention import purge_expired_access_needs
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.session_changes import message_attendees, notify_session_changed, session_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def _clear():
    run_tasks()
    mail.outbox.clear()
    OutboundEmail.objects.all().delete()


def test_reminders_go_seven_days_and_one_day_before_once_each():
    session = make_session(capacity=1, days_ahead=10)
    signup(session, 1)
    signup(session, 2)  # waiting: no reminder
    _clear()
    start = session.starts_at
    assert send_due_reminders(now=start - timedelta(days=8)) == 0
    assert send_due_reminders(now=start - timedelta(days=6, hours=23)) == 1
    assert send_due_reminders(now=start - timedelta(days=6)) == 0  # not again
    assert send_due_reminders(now=start - timedelta(hours=23)) == 1
    run_tasks()
    assert [m.subject for m in mail.outbox] == [
        f"Reminder: {session.title} is in 7 days",
        f"Reminder: {session.title} is tomorrow",
    ]
    assert "accommodate your needs" in mail.outbox[0].body and "/booking/" in mail.outbox[0].body
    assert ReminderSent.objects.count() == 2


def test_a_late_booking_gets_only_the_nearest_reminder():
    session = make_session(days_ahead=10, reminder_days=[7, 1])
    signup(session, 1)
    _clear()
    assert send_due_reminders(now=session.starts_at - timedelta(hours=5)) == 1
    assert list(ReminderSent.objects.values_list("days_before", flat=True)) == [1]
    assert send_due_reminders(now=session.starts_at - timedelta(hours=4)) == 0


def test_cancelling_a_session_tells_everyone_booked_and_waiting_with_the_reason():
    coordinator = make_coordinator()
    session = make_session(capacity=1)
    signup(session, 1)
    signup(session, 2)
    _clear()
    told = session_cancel(session_id=session.pk, reason="The venue flooded <b>badly</b>", actor=coordinator)
    assert told == 2
    run_tasks()
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert "The venue flooded <b>badly</b>" in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;badly&lt;/b&gt;" in html and "<b>badly" not in html
    assert message.attachments[0][0].endswith(".ics") and "STATUS:CANCELLED" in message.attachments[0][1]
    assert AuditEntry.objects.filter(verb="session.cancelled").exists()


def test_change_notice_carries_an_updated_calendar_file():
    session = make_session()
    signup(session, 1)
    _clear()
    notify_session_changed(session=session, changes=["time"], actor=None)
    run_tasks()
    (message,) = mail.outbox
    assert message.subject == f"Changed: {session.title} has a new time"
    assert "SEQUENCE:1" in message.attachments[0][1]


def test_message_attendees_reaches_only_the_chosen_audience():
    coordinator = make_coordinator()
    session = make_session(capacity=1)
    signup(session, 1, email="confirmed@example.org")
    signup(session, 2, email="waiting@example.org")
    _clear()
    assert (
        message_attendees(session=session, audience="waiting", subject="Hello", body="A note", actor=coordinator) == 1
    )
    run_tasks()
    assert [m.to for m in mail.outbox] == [["waiting@example.org"]]


def test_retention_deletes_access_needs_after_the_session_unless_kept_on_file(settings, capsys):
    settings.ACCESS_NEEDS_RETENTION_DAYS = 30
    past = make_session(days_ahead=-40, status="draft")
    future = make_session(days_ahead=5)
    from roundtable.bookings.models import Booking
    from roundtable.people.models import Person

    for n, keep in ((1, False), (2, True)):
        person = Person.objects.create(email=f"p{n}@example.org", name=f"P{n}")
        booking = Booking.objects.create(session=past, person=person, status="attended")
        AccessNeeds.objects.create(booking=booking, needs=["bsl"], keep_on_file=keep, consent_given_at=timezone.now())
    recent = signup(future, 3, access_needs=AccessNeedsAnswer(needs=["hearing_loop"], consent=True)).booking
    assert purge_expired_access_needs() == {"deleted": 1, "sessions": 1, "kept_on_file": 1, "dietary_cleared": 0}
    assert AccessNeeds.objects.filter(booking=recent).exists()
    call_command("purge_access_needs")
    assert "Deleted access needs for 0 booking(s)" in capsys.readouterr().out
