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


def test_an_email_whose_mailer_died_is_sent_by_the_next_mailer_once_its_lease_is_over(settings):
    from roundtable.core.email import send_queued

    settings.EMAIL_MAX_ATTEMPTS = 3
    session = make_session()
    for n in range(3):
        signup(session, n)
    now = timezone.now()
    # Claimed a moment ago by a mailer still sending it: its lease holds, so it is left alone.
    OutboundEmail.objects.filter(to="person0@example.org").update(
        state="sending", attempts=1, claimed_at=now, lease_until=now + timedelta(seconds=60)
    )
    # Claimed by a mailer that was killed: its lease ran out, so it is due again (one attempt more).
    OutboundEmail.objects.filter(to="person1@example.org").update(
        state="sending", attempts=1, claimed_at=now - timedelta(minutes=3), lease_until=now - timedelta(seconds=1)
    )
    # Its lease ran out on every attempt: failed, not tried for ever.
    OutboundEmail.objects.filter(to="person2@example.org").update(
        state="sending", attempts=3, claimed_at=now - timedelta(minutes=3), lease_until=now - timedelta(seconds=1)
    )
    assert send_queued() == {"sent": 1}
    assert [m.to for m in mail.outbox] == [["person1@example.org"]]
    rows = {e.to: (e.state, e.attempts) for e in OutboundEmail.objects.all()}
    assert rows == {
        "person0@example.org": ("sending", 1),
        "person1@example.org": ("sent", 2),
        "person2@example.org": ("failed", 3),
    }
    assert "may have arrived" in OutboundEmail.objects.get(to="person2@example.org").last_error


def test_every_attempt_at_an_email_carries_the_same_message_id():
    from roundtable.core.email import message_id, send_queued

    signup(make_session(), 1)
    email = OutboundEmail.objects.get()
    assert send_queued() == {"sent": 1}
    # As if the mailer had died after the mail server took it, before marking it sent.
    OutboundEmail.objects.filter(pk=email.pk).update(state="sending", lease_until=timezone.now())
    assert send_queued() == {"sent": 1}
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"] == message_id(email)
    assert message_id(email).startswith(f"<outbox-{email.pk}.") and message_id(email).endswith("@127.0.0.1>")


def test_a_mailer_in_a_slow_batch_keeps_its_lease_and_sends_nothing_cancelled_meanwhile(settings, monkeypatch):
    from roundtable.core import email as email_module

    session = make_session()
    for n in range(5):
        signup(session, n)
    real_now, later = timezone.now, {"by": timedelta(0)}
    monkeypatch.setattr(timezone, "now", lambda: real_now() + later["by"])
    real_deliver = email_module._deliver
    due_to_another_mailer = []

    def slow(email, connection):
        due_to_another_mailer.append(email_module._due(timezone.now()).exists())
        outcome = real_deliver(email, connection)
        later["by"] += timedelta(seconds=settings.EMAIL_LEASE_SECONDS * 0.4)  # each send takes a good part of a lease
        if email.to == "person2@example.org":
            # Meanwhile the last email's person is forgotten: it must not go out.
            OutboundEmail.objects.filter(to="person3@example.org").update(state="failed")
        return outcome

    monkeypatch.setattr(email_module, "_deliver", slow)
    assert email_module.send_queued() == {"sent": 4, "skipped": 1}
    assert [m.to[0] for m in mail.outbox] == [f"person{n}@example.org" for n in (0, 1, 2, 4)]
    # The lease was renewed as the batch went on, so no email was ever due to another mailer.
    assert due_to_another_mailer == [False] * 5
    assert OutboundEmail.objects.get(to="person3@example.org").state == "failed"
