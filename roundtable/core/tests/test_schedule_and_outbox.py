from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from roundtable.core.models import OutboundEmail, ScheduledJob
from roundtable.core.schedule import enqueue_due_jobs
from roundtable.core.testing import make_session, run_tasks, signup

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
