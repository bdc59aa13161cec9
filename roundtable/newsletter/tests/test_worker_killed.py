"""The real thing: a worker process sending an issue is killed (SIGKILL) half-way; after the
restart the send finishes and the mail server never receives anyone's issue twice."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from roundtable.accounts.testing import make_coordinator
from roundtable.core.testing import run_tasks
from roundtable.newsletter import sending
from roundtable.newsletter.models import Delivery, Issue
from roundtable.newsletter.services import issue_send_start
from roundtable.newsletter.tests.helpers import make_issue, make_subscribers
from roundtable.newsletter.tests.smtp_sink import smtp_server

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]


def _database_url() -> str:
    """The test database, as a URL the worker process can use (SQLite file or PostgreSQL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_killing_the_worker_mid_send_then_resuming_sends_nobody_the_issue_twice(settings, tmp_path):
    make_subscribers(80)
    issue = make_issue()
    # A slow mail server: the kill lands while senders are in the middle of SMTP conversations.
    with smtp_server(delay=0.05) as (controller, received):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
        settings.NEWSLETTER_SEND_RATE = 40
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": _database_url(),
            "ROUNDTABLE_VAR_DIR": str(tmp_path),
            "EMAIL_HOST": controller.hostname,
            "EMAIL_PORT": str(controller.port),
            "NEWSLETTER_SEND_RATE": "40",
        }
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "-v0"],
            cwd=ROOT,
            env=env,
        )
        try:
            issue_send_start(issue=issue, actor=make_coordinator())
            deadline = time.monotonic() + 60
            while len(received.messages) < 25 and time.monotonic() < deadline:
                time.sleep(0.02)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
        before_restart = len(received.messages)
        assert 25 <= before_restart < 80, "the worker was not killed mid-send"
        in_flight = set(Delivery.objects.filter(status=Delivery.Status.SENDING).values_list("pk", flat=True))
        assert in_flight, "the kill did not land while an email was being sent"

        # The worker is back: the send resumes, and once the emails that were in flight at the
        # kill can no longer be in flight, the send is settled.
        settings.NEWSLETTER_SEND_RATE = 0
        call_command("resume_newsletter_sends", "--now", stdout=open(os.devnull, "w"))
        run_tasks()
        stale = sending.stale_after() + timedelta(seconds=1)
        Delivery.objects.filter(status=Delivery.Status.SENDING).update(attempted_at=F("attempted_at") - stale)
        Issue.objects.update(last_progress_at=F("last_progress_at") - stale)
        call_command("resume_newsletter_sends", stdout=open(os.devnull, "w"))
        run_tasks()

    per_person = Counter(rcpt for rcpts, _ in received.messages for rcpt in rcpts)
    assert max(per_person.values()) == 1, "someone got the issue twice"
    progress = sending.progress(issue)
    assert progress["waiting"] == 0
    # At most one email per sender was in flight when the worker died; those are failed, not resent.
    assert progress["failed"] <= sending.SENDERS
    assert progress["sent"] + progress["failed"] == 80
    # Nothing lost: everyone marked sent really got it, and the only ones failed are exactly those
    # in flight at the kill (each may have arrived), each saying so for the coordinator.
    deliveries = Delivery.objects.filter(issue=issue).select_related("subscriber")
    sent_to = {d.subscriber.email for d in deliveries if d.status == Delivery.Status.SENT}
    assert sent_to <= set(per_person), "an issue marked sent never reached the mail server"
    failed = [d for d in deliveries if d.status == Delivery.Status.FAILED]
    assert {d.pk for d in failed} <= in_flight, "an issue not in flight at the kill was given up"
    assert all(d.error == sending.INTERRUPTED for d in failed)
    not_received = {d.subscriber.email for d in deliveries} - set(per_person)
    assert not_received <= {d.subscriber.email for d in failed}
    print(f"worker killed with {len(in_flight)} in flight: {len(not_received)} not received, 0 doubled")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
