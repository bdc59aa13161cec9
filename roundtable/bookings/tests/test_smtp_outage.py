"""Nothing lost, nothing sent twice: a real SMTP server (aiosmtpd on a free local port) is stopped
while someone signs up, and started again later."""

from __future__ import annotations

import socket
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import OutboundEmail
from roundtable.core.testing import run_tasks

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """What the SMTP server received, message by message."""

    def __init__(self):
        self.messages = []
        self.connections = set()  # the client address of each SMTP conversation

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        self.connections.add(session.peer)
        return "250 Message accepted for delivery"


class LocalSMTPServer:
    def __init__(self, port: int):
        self.port = port
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def accepts_connections(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False


@pytest.fixture
def smtp_server(settings):
    server = LocalSMTPServer(_free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()


def _make_due(email: OutboundEmail) -> None:
    """Skip the backoff wait: the retry becomes due now."""
    assert OutboundEmail.objects.get(pk=email.pk).state == OutboundEmail.State.RETRYING
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_sign_up_while_the_mail_server_is_down_is_delivered_once_when_it_returns(smtp_server, coordinator_client):
    smtp_server.stop()
    assert not smtp_server.accepts_connections()

    signup(make_session(title="Planning the Centre"), name="Ama Owusu", email="ama@example.org")
    run_tasks()

    email = OutboundEmail.objects.get(to="ama@example.org")
    assert email.state == OutboundEmail.State.RETRYING
    assert email.attempts == 1
    assert email.last_error  # e.g. "[Errno 111] Connection refused"
    assert email.next_attempt_at > timezone.now()
    assert smtp_server.mailbox.messages == []

    outbox = coordinator_client.get(reverse("team:outbox"), {"state": "retrying"}).content.decode()
    assert "ama@example.org" in outbox and "Waiting to retry" in outbox
    assert "Last error:" in outbox and email.last_error[:40] in outbox

    # Running the worker again before the retry is due sends nothing and loses nothing.
    run_tasks()
    assert OutboundEmail.objects.get(pk=email.pk).state == OutboundEmail.State.RETRYING

    smtp_server.start()
    _make_due(email)
    run_tasks()

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert email.attempts == 2 and email.last_error == "" and email.sent_at is not None
    assert len(smtp_server.mailbox.messages) == 1
    recipients, message = smtp_server.mailbox.messages[0]
    assert recipients == ["ama@example.org"]
    assert message["Subject"] == email.subject and "Planning the Centre" in message.get_body(("plain",)).get_content()

    # Nothing goes twice: another mailer run, long after, leaves it at one message.
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(hours=1))
    run_tasks()
    assert len(smtp_server.mailbox.messages) == 1
    sent = coordinator_client.get(reverse("team:outbox"), {"state": "sent"}).content.decode()
    assert "ama@example.org" in sent and "2 attempts" in sent


def test_after_the_last_attempt_fails_the_email_is_failed_and_shown_with_its_error(
    smtp_server, settings, coordinator_client
):
    settings.EMAIL_MAX_ATTEMPTS = 2
    smtp_server.stop()
    signup(make_session(), name="Bo", email="bo@example.org")
    run_tasks()
    email = OutboundEmail.objects.get(to="bo@example.org")
    _make_due(email)
    run_tasks()
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboundEmail.State.FAILED, 2)
    html = coordinator_client.get(reverse("team:outbox"), {"state": "failed"}).content.decode()
    assert "bo@example.org" in html and "Send again" in html

    # A coordinator sends it again once the server is back: exactly one message arrives.
    smtp_server.start()
    coordinator_client.post(reverse("team:outbox_send_again", args=[email.pk]))
    run_tasks()
    assert [r for r, _ in smtp_server.mailbox.messages] == [["bo@example.org"]]
    assert OutboundEmail.objects.filter(to="bo@example.org", state=OutboundEmail.State.SENT).count() == 1


def test_the_mailer_sends_what_is_queued_over_one_connection_and_each_email_once(smtp_server):
    from roundtable.core.email import send_queued

    session = make_session(title="Planning the Centre")
    for n in range(5):
        signup(session, name=f"Person {n}", email=f"person{n}@example.org")
    assert send_queued(limit=3) == {"sent": 3}
    assert send_queued(limit=50) == {"sent": 2}
    assert send_queued(limit=50) == {}  # nothing left: nothing sent twice

    assert sorted(r[0] for r, _ in smtp_server.mailbox.messages) == [f"person{n}@example.org" for n in range(5)]
    assert len(smtp_server.mailbox.connections) == 2  # one conversation per batch, not per email
    assert set(OutboundEmail.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_one_refused_email_in_a_batch_waits_to_retry_and_the_rest_still_go(smtp_server):
    from roundtable.core.email import send_queued

    async def refuse_some(server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.mailbox.handle_RCPT = refuse_some
    session = make_session()
    for email in ("first@example.org", "refused@example.org", "last@example.org"):
        signup(session, name="Someone", email=email)
    assert send_queued() == {"sent": 2, "retrying": 1}
    assert sorted(r[0] for r, _ in smtp_server.mailbox.messages) == ["first@example.org", "last@example.org"]
    refused = OutboundEmail.objects.get(to="refused@example.org")
    assert refused.state == OutboundEmail.State.RETRYING and "550" in refused.last_error


def test_the_mail_server_going_down_in_the_middle_of_a_batch_then_up_delivers_every_email_once(smtp_server):
    import threading

    from roundtable.core.email import send_queued

    session = make_session(capacity=10)
    for n in range(10):
        signup(session, name=f"Person {n}", email=f"person{n}@example.org")

    async def going_down(server, session, envelope, address, mail_options):
        if len(smtp_server.mailbox.messages) >= 4:  # four went through, then the server goes away
            threading.Thread(target=smtp_server.stop).start()
            return "421 Service not available, closing channel"
        envelope.mail_from = address
        return "250 OK"

    smtp_server.mailbox.handle_MAIL = going_down
    outcomes = send_queued(limit=50)
    assert outcomes == {"sent": 4, "retrying": 6}
    for _ in range(50):
        if not smtp_server.accepts_connections():
            break
        time.sleep(0.05)

    del smtp_server.mailbox.handle_MAIL
    smtp_server.start()
    OutboundEmail.objects.filter(state=OutboundEmail.State.RETRYING).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    run_tasks()
    received = Counter(r[0] for r, _ in smtp_server.mailbox.messages)
    assert received == Counter({f"person{n}@example.org": 1 for n in range(10)})  # every one, once
    assert Counter(OutboundEmail.objects.values_list("state", "attempts")) == {("sent", 1): 4, ("sent", 2): 6}
