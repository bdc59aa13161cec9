"""The real thing: a mailer process (`manage.py mailer`) sending 100 confirmations to a real SMTP
server (aiosmtpd) is killed with SIGKILL in the middle of a batch; a second mailer is started.
Every email arrives; only the one in flight at the kill may arrive twice, with the same Message-ID."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.db import connection

from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.email import message_id
from roundtable.core.models import OutboundEmail
from roundtable.newsletter.tests.smtp_sink import free_port

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent
EMAILS = 100
LEASE_SECONDS = 3


class SlowMailbox:
    """Keeps each message as soon as it has it, then takes a while to say so: a mailer killed then
    has an email the server holds but that it never heard was accepted (the email in flight)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        await asyncio.sleep(0.05)
        return "250 OK"


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _mailer(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "mailer", "--interval", "0.1", "-v0"], cwd=ROOT, env=env
    )


def test_a_mailer_killed_mid_batch_loses_nothing_and_the_next_one_sends_the_rest(tmp_path):
    from aiosmtpd.controller import Controller

    session = make_session(capacity=EMAILS)
    for n in range(EMAILS):
        signup(session, n)
    rows = list(OutboundEmail.objects.order_by("id"))
    assert len(rows) == EMAILS and {e.state for e in rows} == {"queued"}

    mailbox = SlowMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "ROUNDTABLE_VAR_DIR": str(tmp_path),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
        "EMAIL_TIMEOUT": "1",
        "EMAIL_LEASE_SECONDS": str(LEASE_SECONDS),
        "EMAIL_HOLD_SECONDS": "0",
    }
    first = second = None
    try:
        first = _mailer(env)
        deadline = time.monotonic() + 60
        while len(mailbox.messages) < 30 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        at_kill = Counter(OutboundEmail.objects.values_list("state", flat=True))
        assert 30 <= len(mailbox.messages) < EMAILS, "the mailer was not killed mid-send"
        assert at_kill["sending"] >= 2, f"the kill did not land mid-batch: {at_kill}"

        second = _mailer(env)
        deadline = time.monotonic() + 90
        while OutboundEmail.objects.filter(state="sent").count() < EMAILS and time.monotonic() < deadline:
            time.sleep(0.2)
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    finally:
        for mailer in (first, second):
            if mailer is not None and mailer.poll() is None:
                mailer.kill()
        controller.stop()

    assert Counter(OutboundEmail.objects.values_list("state", flat=True)) == {"sent": EMAILS}
    per_address = Counter(rcpt for rcpts, _ in mailbox.messages for rcpt in rcpts)
    assert set(per_address) == {e.to for e in rows}, "an email never arrived"
    twice = [address for address, n in per_address.items() if n > 1]
    assert len(twice) <= 1 and max(per_address.values()) <= 2, f"more than the email in flight came twice: {twice}"
    expected = {e.to: message_id(e) for e in rows}
    for rcpts, message in mailbox.messages:
        assert message["Message-ID"] == expected[rcpts[0]]  # so a copy sent twice is the same email
    # The emails the killed mailer held were sent again by the next one, as one attempt more.
    assert OutboundEmail.objects.filter(attempts=2).count() == at_kill["sending"]
    print(f"killed mid-batch with {at_kill['sending']} claimed; lost 0, doubled {len(twice)}")
