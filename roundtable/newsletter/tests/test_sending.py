"""Sending an issue: only to confirmed subscribers, with one-click unsubscribe headers, throttled,
and an interrupted send resumes without anyone getting the issue twice."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db.models import F

from roundtable.accounts.testing import make_coordinator
from roundtable.core.testing import run_tasks
from roundtable.newsletter import sending
from roundtable.newsletter.models import Delivery, Issue, Subscriber
from roundtable.newsletter.services import NewsletterError, issue_send_start
from roundtable.newsletter.tests.helpers import html_part, make_issue, make_subscriber, make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    settings.NEWSLETTER_SEND_RATE = 0


def recipients() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


def test_only_confirmed_subscribers_receive_an_issue():
    make_subscriber("confirmed@example.org")
    make_subscriber("pending@example.org", status=Subscriber.Status.PENDING)
    make_subscriber("left@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    issue = make_issue()
    assert issue_send_start(issue=issue, actor=make_coordinator()) == 1
    run_tasks()
    assert recipients() == Counter({"confirmed@example.org": 1})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.finished_at is not None


def test_every_issue_email_has_one_click_unsubscribe_headers_and_both_parts():
    subscriber = make_subscriber("reader@example.org")
    issue_send_start(issue=make_issue(subject="Autumn news"), actor=make_coordinator())
    run_tasks()
    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://") and header.endswith("/>")
    assert "/newsletter/unsubscribe/" in header
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    assert url in message.body
    assert url in html_part(message)
    assert "Unsubscribe or manage your subscription" in html_part(message)
    assert "We listened" in message.body and "We listened" in html_part(message)
    assert message.subject == "Autumn news"
    delivery = Delivery.objects.get(subscriber=subscriber)
    assert delivery.status == Delivery.Status.SENT
    # The link's token is stored only as a hash.
    assert url.rstrip("/").rsplit("/", 1)[1] not in (delivery.unsubscribe_token_hash or "")
    assert delivery.unsubscribe_token_hash


def test_each_recipient_gets_their_own_unsubscribe_link():
    make_subscribers(5)
    issue_send_start(issue=make_issue(), actor=make_coordinator())
    run_tasks()
    links = {m.extra_headers["List-Unsubscribe"] for m in mail.outbox}
    assert len(links) == 5


def test_a_send_cannot_start_twice_or_with_nobody_to_send_to():
    coordinator = make_coordinator()
    issue = make_issue()
    with pytest.raises(NewsletterError, match="nobody"):
        issue_send_start(issue=issue, actor=coordinator)
    make_subscriber()
    issue_send_start(issue=issue, actor=coordinator)
    with pytest.raises(NewsletterError, match="already"):
        issue_send_start(issue=issue, actor=coordinator)
    assert Delivery.objects.count() == 1


def test_someone_who_unsubscribes_during_a_send_is_skipped():
    from roundtable.newsletter.services import subscriber_unsubscribe

    leaver = make_subscriber("leaver@example.org")
    make_subscriber("stayer@example.org")
    issue_send_start(issue=make_issue(), actor=make_coordinator())
    subscriber_unsubscribe(subscriber=leaver, source="test")
    run_tasks()
    assert recipients() == Counter({"stayer@example.org": 1})
    assert Delivery.objects.get(subscriber=leaver).status == Delivery.Status.SKIPPED


def test_sending_is_throttled_to_the_configured_rate(settings):
    import time

    settings.NEWSLETTER_SEND_RATE = 20
    make_subscribers(10)
    issue = make_issue()
    issue_send_start(issue=issue, actor=make_coordinator())
    started = time.monotonic()
    sending.send_slice(issue.pk)
    elapsed = time.monotonic() - started
    assert len(mail.outbox) == 10
    assert elapsed >= 9 / 20


def test_a_long_send_is_split_into_slices_that_hand_over_to_the_next(monkeypatch):
    monkeypatch.setattr(sending, "BATCH_SIZE", 4)
    monkeypatch.setattr(sending, "SLICE_SECONDS", 0)
    monkeypatch.setattr(sending, "SENDERS", 1)
    make_subscribers(10)
    issue = make_issue()
    issue_send_start(issue=issue, actor=make_coordinator())
    run_tasks()
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="send_issue").count() >= 3
    assert sorted(recipients().values()) == [1] * 10
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: nothing in the sender may catch it."""


class CrashingBackend(LocmemBackend):
    """Delivers normally, then 'dies' at the Nth email: before the server took it, or just after."""

    crash_at = 12
    after_delivery = False
    count = 0

    def send_messages(self, messages):
        for message in messages:
            type(self).count += 1
            if type(self).count == self.crash_at:
                if self.after_delivery:
                    super().send_messages([message])
                raise WorkerKilled
            super().send_messages([message])
        return len(messages)


def _interrupt_then_resume(settings, monkeypatch, *, after_delivery: bool):
    monkeypatch.setattr(sending, "BATCH_SIZE", 5)
    monkeypatch.setattr(sending, "SENDERS", 1)  # one sender, so "the 12th email" is well defined
    CrashingBackend.count = 0
    CrashingBackend.after_delivery = after_delivery
    settings.EMAIL_BACKEND = f"{__name__}.CrashingBackend"
    make_subscribers(30)
    issue = make_issue()
    issue_send_start(issue=issue, actor=make_coordinator())

    run_tasks()  # the worker "dies" at the 12th email; its task is left failed
    assert len(mail.outbox) == (12 if after_delivery else 11)
    in_flight = Delivery.objects.get(status=Delivery.Status.SENDING)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 11

    # The worker restarts: the scheduler (or an operator) resumes the send.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("resume_newsletter_sends", "--now", stdout=open("/dev/null", "w"))
    run_tasks()
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 29
    # The email that was mid-send is still unsettled, so the issue is not finished yet.
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING

    # Later, once that email can no longer be in flight, the send is settled.
    stale = sending.stale_after() + timedelta(seconds=1)
    Delivery.objects.filter(status=Delivery.Status.SENDING).update(attempted_at=F("attempted_at") - stale)
    Issue.objects.update(last_progress_at=F("last_progress_at") - stale)
    call_command("resume_newsletter_sends", stdout=open("/dev/null", "w"))
    run_tasks()
    return issue, in_flight


@pytest.mark.parametrize("after_delivery", [False, True], ids=["before-the-server-took-it", "after-the-server-took-it"])
def test_an_interrupted_send_resumes_without_sending_anyone_the_issue_twice(settings, monkeypatch, after_delivery):
    issue, in_flight = _interrupt_then_resume(settings, monkeypatch, after_delivery=after_delivery)
    counts = recipients()
    assert max(counts.values()) == 1, "someone got the issue twice"
    assert len(counts) == (30 if after_delivery else 29)
    in_flight.refresh_from_db()
    assert in_flight.status == Delivery.Status.FAILED
    assert "not sent again" in in_flight.error.lower()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert sending.progress(issue) | {"percent": 100} == {
        "total": 30,
        "sent": 29,
        "failed": 1,
        "skipped": 0,
        "waiting": 0,
        "done": 30,
        "percent": 100,
    }


def test_parallel_senders_send_each_person_the_issue_exactly_once(monkeypatch):
    monkeypatch.setattr(sending, "BATCH_SIZE", 7)
    monkeypatch.setattr(sending, "SENDERS", 3)
    make_subscribers(100)
    issue = make_issue()
    issue_send_start(issue=issue, actor=make_coordinator())
    result = sending.send_slice(issue.pk)
    assert result.finished and result.sent == 100
    assert len(recipients()) == 100 and set(recipients().values()) == {1}
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 100


def test_resume_leaves_a_healthy_send_alone():
    make_subscribers(3)
    issue = make_issue()
    issue_send_start(issue=issue, actor=make_coordinator())
    from roundtable.newsletter.tasks import resume_sends

    assert resume_sends() == []  # progress was just made
    Issue.objects.update(last_progress_at=F("last_progress_at") - sending.stale_after() - timedelta(seconds=1))
    assert resume_sends() == [issue.pk]


def test_when_the_mail_server_is_down_nothing_is_lost_and_it_tries_again(settings):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    make_subscribers(3)
    issue = make_issue()
    issue_send_start(issue=issue, actor=make_coordinator())
    result = sending.send_slice(issue.pk)
    assert result.again and result.run_again_at is not None
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 3
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING
