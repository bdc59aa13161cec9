"""Newsletter send benchmark: one issue to 20,000 subscribers through a real local SMTP server.

    .venv/bin/python bench/bench_newsletter.py [--subscribers 20000] [--database-url sqlite:///…]

A fresh SQLite database in a temporary folder (or the --database-url you give, which must be an
empty scratch database), 20,000 confirmed subscribers, and an aiosmtpd server in its own process
that counts what it receives. The send runs exactly as the worker runs it (sending.send_slice,
slice after slice) with NEWSLETTER_SEND_RATE=0, so the figure is what the code can do; a real
deployment throttles to its mail provider's rate.

Reports emails per second, and memory: the process's peak RSS after the first slice and at the
end (constant memory means the two stay close however many subscribers there are), plus the
peak of Python allocations during one slice (tracemalloc). Target: over 200 emails/s, constant
memory. `main()` returns the figures as a dict for bench/run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_EMAILS_PER_S = 200


# --- The SMTP sink (runs in its own process so it never competes for our GIL) ---------------------


def run_sink(port: int) -> None:
    """Accept mail until stdin closes, then print what arrived as JSON."""
    from aiosmtpd.controller import Controller

    class Count:
        messages = 0
        recipients: set[str] = set()
        with_unsubscribe = 0

        async def handle_DATA(self, server, session, envelope):
            Count.messages += 1
            Count.recipients.update(envelope.rcpt_tos)
            if b"\nList-Unsubscribe-Post: List-Unsubscribe=One-Click" in envelope.content:
                Count.with_unsubscribe += 1
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()
    print(
        json.dumps(
            {
                "messages": Count.messages,
                "recipients": len(Count.recipients),
                "with_unsubscribe": Count.with_unsubscribe,
            }
        ),
        flush=True,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


# --- The benchmark ---------------------------------------------------------------------------------


def main(subscribers: int = 20_000, database_url: str | None = None, senders: int | None = None) -> dict:
    workdir = tempfile.mkdtemp(prefix="rt-bench-newsletter-")
    port = _free_port()
    sink = subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, "--sink", str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert sink.stdout.readline().strip() == "ready"

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ROUNDTABLE_VAR_DIR": workdir,
            "DATABASE_URL": database_url or f"sqlite:///{workdir}/bench.sqlite3",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "NEWSLETTER_SEND_RATE": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from roundtable.accounts.models import User
    from roundtable.newsletter import sending
    from roundtable.newsletter.models import Delivery, Issue, Subscriber
    from roundtable.newsletter.services import issue_send_start

    if senders:
        sending.SENDERS = senders
    call_command("migrate", verbosity=0)
    coordinator = User.objects.create_user(email="bench@example.org", password=None, name="Bench")
    for start in range(0, subscribers, 5000):
        Subscriber.objects.bulk_create(
            Subscriber(email=f"reader{n:06d}@example.org", status=Subscriber.Status.ACTIVE)
            for n in range(start, min(start + 5000, subscribers))
        )
    issue = Issue.objects.create(
        subject="Our September update",
        body_markdown=(
            "Thank you to everyone who came to **Building the Centre together**.\n\n"
            "## You said, we did\n\n" + "".join(f"- Change number {n} that came from a session\n" for n in range(12))
        ),
        include_sessions=True,
    )

    setup_started = time.perf_counter()
    recipients = issue_send_start(issue=issue, actor=coordinator)
    setup_seconds = time.perf_counter() - setup_started

    slices = 0
    rss_after_first = None
    started = time.perf_counter()
    while True:
        if slices == 1:
            tracemalloc.start()
        result = sending.send_slice(issue.pk)
        if slices == 1:
            traced_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
        slices += 1
        if rss_after_first is None:
            rss_after_first = _rss_mb()
        if result.finished:
            break
        if not result.again:
            raise SystemExit(f"send stopped unfinished: {result}")
    seconds = time.perf_counter() - started

    sink.stdin.close()
    received = json.loads(sink.stdout.readline())
    sink.wait(timeout=30)
    sent = Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count()
    figures = {
        "database": connection.vendor,
        "subscribers": subscribers,
        "recipients": recipients,
        "sent": sent,
        "received_by_smtp_server": received["messages"],
        "distinct_recipients_received": received["recipients"],
        "with_one_click_unsubscribe": received["with_unsubscribe"],
        "prepare_seconds": round(setup_seconds, 2),
        "send_seconds": round(seconds, 1),
        "emails_per_second": round(sent / seconds, 1),
        "slices": slices,
        "smtp_connections_at_once": sending.SENDERS,
        "peak_rss_mb_after_first_slice": round(rss_after_first, 1),
        "peak_rss_mb_at_end": round(_rss_mb(), 1),
        "python_peak_mb_during_one_slice": round(traced_peak, 2) if slices > 1 else None,
        "target_emails_per_second": TARGET_EMAILS_PER_S,
    }
    figures["meets_target"] = (
        figures["emails_per_second"] > TARGET_EMAILS_PER_S
        and figures["received_by_smtp_server"] == subscribers == figures["distinct_recipients_received"]
    )
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sink":
        run_sink(int(sys.argv[2]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--database-url", default=None, help="an EMPTY scratch database (default: temporary SQLite)")
    parser.add_argument("--senders", type=int, default=None, help="SMTP connections at once (default: the code's)")
    args = parser.parse_args()
    figures = main(args.subscribers, args.database_url, args.senders)
    print(json.dumps(figures, indent=2))
    print(
        f"\nNewsletter send: {figures['sent']:,} emails in {figures['send_seconds']} s = "
        f"{figures['emails_per_second']} emails/s (target > {TARGET_EMAILS_PER_S}); peak RSS "
        f"{figures['peak_rss_mb_after_first_slice']} MB after the first slice, {figures['peak_rss_mb_at_end']} MB at the end."
    )
    sys.exit(0 if figures["meets_target"] else 1)
