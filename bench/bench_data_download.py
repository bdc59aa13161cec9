"""Download my data for a person with a long history: 500 bookings (each with access needs and an
email about it).

    .venv/bin/python bench/bench_data_download.py [--bookings 500] [--json PATH]

Runs in a throwaway SQLite database and media folder (nothing touches var/). Measures the JSON
download (through the view, as the person's browser asks for it) and the readable PDF (the
worker's job, `involvement.datafile.make`, then the download of the file): time, database
queries, size, and the process's peak resident memory after each step. Prints a table, then one
JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _measure(label: str, run) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        size = run()
    seconds = time.perf_counter() - started
    return {
        "what": label,
        "seconds": round(seconds, 3),
        "queries": len(queries.captured_queries),
        "bytes": size,
        # The process's peak so far (steps run in this order, so each step's figure includes the last's).
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=500)
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="rt-bench-data-"))
    os.environ["ROUNDTABLE_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["STATIC_MANIFEST"] = "false"  # nobody ran collectstatic for this throwaway folder

    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from roundtable.bookings.models import AccessNeeds, Booking
    from roundtable.cocreation.models import Session
    from roundtable.cocreation.testing import make_session
    from roundtable.core.models import OutboundEmail
    from roundtable.involvement import datafile
    from roundtable.involvement.models import DataFile, PersonLink
    from roundtable.people.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)

    person = Person.objects.create(email="long.history@example.org", name="Pat Longhistory", pronouns="they/them")
    first = make_session(title="Session 1", days_ahead=-(args.bookings + 1))
    now = timezone.now()
    sessions = Session.objects.bulk_create(
        [
            Session(
                title=f"Session {n}",
                summary=first.summary,
                goals=first.goals,
                status=first.status,
                venue=first.venue,
                capacity=first.capacity,
                starts_at=now - timedelta(days=args.bookings + 1 - n),
                ends_at=now - timedelta(days=args.bookings + 1 - n) + timedelta(hours=3),
            )
            for n in range(2, args.bookings + 1)
        ]
    )
    sessions = [first, *sessions]
    bookings = Booking.objects.bulk_create(
        [Booking(session=s, person=person, status=Booking.Status.ATTENDED) for s in sessions]
    )
    AccessNeeds.objects.bulk_create(
        [
            AccessNeeds(
                booking=b, needs=["step_free", "quiet_space"], details="A chair with arms, please", consent_given_at=now
            )
            for b in bookings
        ]
    )
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(to=person.email, template="booking_confirmation", subject=f"You are booked on {s.title}")
            for s in sessions
        ]
    )
    token = PersonLink.mint(person=person)
    client = Client()

    def json_download() -> int:
        response = client.get(reverse("involvement:download", args=[token]))
        assert response.status_code == 200, response.status_code
        return len(response.content)

    def pdf_make() -> int:
        data_file = DataFile.objects.create(person=person)
        assert datafile.make(data_file.pk) == "ready"
        return DataFile.objects.get(pk=data_file.pk).size

    def pdf_download() -> int:
        response = client.get(reverse("involvement:download_readable_file", args=[token]))
        assert response.status_code == 200, response.status_code
        return len(b"".join(response.streaming_content))

    client.get(reverse("involvement:home", args=[token]))  # warm the link and the templates
    baseline = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    rows = [
        _measure("JSON download", json_download),
        _measure("PDF made by the worker", pdf_make),
        _measure("PDF download", pdf_download),
    ]
    result = {
        "bookings": args.bookings,
        "rows": rows,
        "rss_before_mb": baseline,
    }
    print(f"Download my data, a person with {args.bookings} bookings (SQLite)")
    print(f"| {'what':<24} | seconds | queries | size (KB) | peak memory (MB) |")
    print(f"|{'-' * 26}|---------|---------|-----------|------------------|")
    for row in rows:
        print(
            f"| {row['what']:<24} | {row['seconds']:>7} | {row['queries']:>7} | {row['bytes'] / 1024:>9.0f} "
            f"| {row['peak_rss_mb']:>16} |"
        )
    print(f"Memory before the first download: {baseline} MB (Django, the data made above)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
