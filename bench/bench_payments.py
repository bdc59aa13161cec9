"""Payments (issue 12): the finance export for 50,000 payment lines as CSV and as XLSX, and the
team's payments list at 10 and 10,000 lines.

    .venv/bin/python bench/bench_payments.py [--lines 50000] [--json PATH]

Runs in a throwaway SQLite database (nothing touches var/). Each export goes through the view as
a coordinator's browser asks for it and is read chunk by chunk, never held whole: time (a run
without tracing), then the peak of Python memory allocated while it ran (tracemalloc, a second
run) next to the size of the file. A streamed export's peak stays far below its size. The list
page: time and database queries at 10 and 10,000 lines (the same queries; pinned in
roundtable/workspace/tests/test_payments_pages.py). Prints a table, then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _consume(response) -> int:
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    response.close()
    return size


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="rt-bench-payments-"))
    os.environ["ROUNDTABLE_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["STATIC_MANIFEST"] = "false"
    os.environ["TWO_FACTOR_REQUIRED"] = "false"  # the bench's coordinator signs in with force_login

    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from roundtable.accounts.testing import make_coordinator
    from roundtable.cocreation.models import Session
    from roundtable.cocreation.testing import make_session
    from roundtable.payments.models import Payment
    from roundtable.people.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)

    coordinator = make_coordinator("bench@example.org")
    first = make_session(title="Session 0", days_ahead=-200)
    now = timezone.now()
    sessions = [first] + Session.objects.bulk_create(
        Session(
            title=f"Session {n}",
            summary=first.summary,
            goals=first.goals,
            status=first.status,
            venue=first.venue,
            capacity=first.capacity,
            starts_at=now - timedelta(days=200 - n),
            ends_at=now - timedelta(days=200 - n) + timedelta(hours=3),
        )
        for n in range(1, 100)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Person {n} Lastname", email=f"person{n}@example.org") for n in range(1000)
    )
    kinds = [("fee", "", 8250), ("expense", "travel", 1333), ("expense", "childcare", 2500)]
    Payment.objects.bulk_create(
        (
            Payment(
                # (person, session) pairs are all different below 100,000 lines: one fee each at most.
                person=people[n % len(people)],
                session=sessions[(n // len(people)) % len(sessions)],
                kind=kinds[n % 3][0],
                expense_kind=kinds[n % 3][1],
                offered_pence=kinds[n % 3][2] + n % 7,
                amount_pence=kinds[n % 3][2] + n % 7,
                status="paid" if n % 2 else "approved",
                method="bank_transfer" if n % 2 else "",
                paid_on=(now - timedelta(days=5)).date() if n % 2 else None,
                reference=f"REF-{n:06d}" if n % 2 else "",
            )
            for n in range(args.lines)
        ),
        batch_size=2000,
    )
    client = Client()
    client.force_login(coordinator)
    period = {"start": (now - timedelta(days=365)).date().isoformat(), "end": now.date().isoformat()}

    # A tenth of the lines: the first five sessions hold 1,000 lines each (at 50,000 lines).
    tenth = {
        "start": (now - timedelta(days=200)).date().isoformat(),
        "end": (now - timedelta(days=196)).date().isoformat(),
    }

    def export(fmt: str, dates: dict) -> int:
        response = client.get(reverse("payments:export"), {**dates, "format": fmt})
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        return _consume(response)

    # Warm the URL resolver, templates and openpyxl with an empty period first.
    for fmt in ("csv", "xlsx"):
        export(fmt, {"start": "2000-01-01", "end": "2000-01-02"})
    exports = []
    for fmt in ("csv", "xlsx"):
        for label, dates in (("all", period), ("a tenth", tenth)):
            started = time.perf_counter()
            size = export(fmt, dates)
            seconds = time.perf_counter() - started
            tracemalloc.start()
            export(fmt, dates)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            exports.append(
                {
                    "format": fmt,
                    "period": label,
                    "seconds": round(seconds, 2),
                    "bytes": size,
                    "peak_python_mb": round(peak / 1024 / 1024, 1),
                }
            )

    # The list page at 10 and at 10,000 lines: a fresh table each time.
    lists = []
    for rows in (10, 10_000):
        Payment.objects.all().delete()
        Payment.objects.bulk_create(
            (
                Payment(
                    person=people[n % len(people)],
                    session=sessions[n % len(sessions)],
                    kind="expense",
                    expense_kind="travel",
                    offered_pence=100,
                    amount_pence=100,
                    status="due",
                )  # fmt: skip
                for n in range(rows)
            ),
            batch_size=2000,
        )
        client.get(reverse("payments:list"))  # warm the templates
        timings = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(reverse("payments:list"))
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        lists.append(
            {"lines": rows, "queries": len(queries.captured_queries), "ms_median": round(sorted(timings)[2] * 1000, 1)}
        )

    print(f"Finance export, {args.lines:,} payment lines (SQLite), streamed; and a period with a tenth of them")
    print("| format | lines   | seconds | file size (MB) | peak Python memory while exporting (MB) |")
    print("|--------|---------|---------|----------------|------------------------------------------|")
    for row in exports:
        lines = args.lines if row["period"] == "all" else args.lines // 10
        print(
            f"| {row['format']:<6} | {lines:>7,} | {row['seconds']:>7} | {row['bytes'] / 1024 / 1024:>14.1f} "
            f"| {row['peak_python_mb']:>40} |"
        )
    print("A streamed export's peak memory stays the same whatever the number of lines; only the file grows.")
    print()
    print("Payments list page (50 a page)")
    print("| lines  | queries | median ms of 5 |")
    print("|--------|---------|----------------|")
    for row in lists:
        print(f"| {row['lines']:>6} | {row['queries']:>7} | {row['ms_median']:>14} |")
    result = {"exports": exports, "list": lists}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
