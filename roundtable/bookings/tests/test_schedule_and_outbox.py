from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import OutboundEmail, ScheduledJob
from roundtable.core.schedule import enqueue_due_jobs
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def test_due_jobs_are_enqueued_once_until_their_interval_passes():
    now = timezone.now()
    first = enqueue_due_jobs(now)
    assert "roundtable.bookings.tasks.release_held_places" in first
    assert enqueue_due_jobs(now + timedelta(minutes=1)) == [
        name for name in first if ScheduledJob.objects.get(name=name).next_run_at <= now + timedelta(minutes=1)
    ]
    later = enqueue_due_jobs(now + timedelta(minutes=11))
    assert "roundtable.bookings.tasks.release_held_places" in later


def test_an_email_being_sent_is_never_sent_again_by_a_second_task():
    from roundtable.core.email import send_now

    signup(make_session(), 1)
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(state="sending")
    assert send_now(email.pk) == "skipped"
    assert mail.outbox == []


def test_failed_send_is_retried_later_and_then_sent(settings, monkeypatch):
    from roundtable.core import email as email_module

    signup(make_session(), 1)
    calls = {"n": 0}
    real_send = email_module.EmailMultiAlternatives.send

    def flaky(self, fail_silently=False):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionRefusedError("mail server down")
        return real_send(self, fail_silently)

    monkeypatch.setattr(email_module.EmailMultiAlternatives, "send", flaky)
    run_tasks()
    email = OutboundEmail.objects.get()
    assert email.state == "retrying" and "mail server down" in email.last_error and email.attempts == 1
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    from roundtable.core.email import send_now

    assert send_now(email.pk) == "sent"
    assert len(mail.outbox) == 1


def test_the_mailer_holds_back_while_emails_pour_in_but_never_too_long(settings):
    from roundtable.core.email import RUSH_GAP_SECONDS, hold_back

    settings.EMAIL_HOLD_SECONDS = 10
    assert hold_back() == 0  # nothing queued
    session = make_session()
    signup(session, 1)
    first = OutboundEmail.objects.get().created_at
    # Just queued: wait for a lull of RUSH_GAP_SECONDS after the newest email.
    assert 0 < hold_back(first + timedelta(seconds=0.1)) <= RUSH_GAP_SECONDS
    assert hold_back(first + timedelta(seconds=RUSH_GAP_SECONDS + 0.01)) == 0
    # Still pouring in 9.9 s later: the oldest may wait only 0.1 s more.
    signup(session, 2)
    OutboundEmail.objects.filter(to="person2@example.org").update(created_at=first + timedelta(seconds=9.9))
    assert hold_back(first + timedelta(seconds=9.9)) == pytest.approx(0.1, abs=0.01)
    assert hold_back(first + timedelta(seconds=10)) == 0
    # Sent, failed and retrying emails hold nothing back.
    OutboundEmail.objects.update(state="sent")
    assert hold_back(first) == 0
    # Switched off.
    signup(session, 3)
    settings.EMAIL_HOLD_SECONDS = 0
    assert hold_back() == 0


def test_the_mailer_command_sends_everything_due_once(settings):
    from django.core.management import call_command

    session = make_session()
    for n in range(3):
        signup(session, n)
    call_command("mailer", "--once", verbosity=0)  # no holding back when asked to drain once
    assert OutboundEmail.objects.filter(state="sent").count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.org" for n in range(3)]
    call_command("mailer", "--once", verbosity=0)
    assert len(mail.outbox) == 3


def test_a_mailer_asked_to_stop_finishes_the_email_it_is_sending_and_hands_back_the_rest():
    from roundtable.core.email import send_queued

    session = make_session()
    for n in range(3):
        signup(session, n)
    OutboundEmail.objects.filter(to="person2@example.org").update(
        state="retrying", attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    asked = iter([False, True, True])
    assert send_queued(should_stop=lambda: next(asked)) == {"sent": 1, "released": 2}
    assert [m.to for m in mail.outbox] == [["person0@example.org"]]
    # Handed back exactly as they were, and the next mailer sends them.
    assert list(OutboundEmail.objects.order_by("id").values_list("state", "attempts")) == [
        ("sent", 1),
        ("queued", 0),
        ("retrying", 1),
    ]
    assert send_queued() == {"sent": 2}
    assert len(mail.outbox) == 3


def test_an_email_claimed_long_ago_and_still_sending_is_shown_as_failed_but_a_retry_in_progress_is_not():
    from roundtable.core.email import fail_abandoned

    session = make_session()
    signup(session, 1)
    signup(session, 2)
    now = timezone.now()
    # Written an hour ago, retried and claimed a moment ago: being sent right now.
    OutboundEmail.objects.filter(to="person1@example.org").update(
        state="sending", created_at=now - timedelta(hours=1), claimed_at=now - timedelta(seconds=5)
    )
    # Claimed 16 minutes ago by a mailer that was killed.
    OutboundEmail.objects.filter(to="person2@example.org").update(
        state="sending", claimed_at=now - timedelta(minutes=16)
    )
    assert fail_abandoned(now) == 1
    states = dict(OutboundEmail.objects.values_list("to", "state"))
    assert states == {"person1@example.org": "sending", "person2@example.org": "failed"}
    assert "may not have arrived" in OutboundEmail.objects.get(to="person2@example.org").last_error
