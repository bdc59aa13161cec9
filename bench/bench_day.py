"""The day of a big session: 1,000 bookings.

    .venv/bin/python bench/bench_day.py [--bookings 1000] [--repeat 15] [--json PATH]

Runs in a throwaway SQLite database (set BENCH_DATABASE_URL for PostgreSQL); nothing touches var/.
Server-side time is the whole of Django's handling of the request (middleware, queries, template
or PDF rendering) through the test client, with no network in between. Peak memory is the
Python heap's high-water mark during one request (tracemalloc, measured on a separate run so it
does not slow the timed ones) and the process's peak resident size at the end.

Targets (issue 3): the coordinator's bookings page under 300 ms; 1,000 badges under 5 s.
Prints one JSON line last so bench/run.py can pick it up.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE_TARGET_MS = 300.0
BADGES_TARGET_S = 5.0


def _timed(client, url: str, repeat: int) -> dict:
    client.get(url)  # warm: templates compiled, connections open
    times, cpu = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    tracemalloc.start()
    response = client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "url": url,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(sorted(times)[max(int(len(times) * 0.95) - 1, 0)], 1),
        "min_ms": round(min(times), 1),
        "median_cpu_ms": round(statistics.median(cpu), 1),
        "runs": repeat,
        "peak_heap_mb": round(peak / 1e6, 1),
        "bytes": len(response.content),
    }


def _page_count(pdf: bytes) -> int | None:
    try:
        from pypdf import PdfReader  # a dev dependency; the count is only a check on the layout
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page")
    parser.add_argument("--pdf-repeat", type=int, default=3, help="timed badge PDFs")
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="rt-bench-day-"))
    os.environ["ROUNDTABLE_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["STATIC_MANIFEST"] = "false"  # no collectstatic needed to render pages
    os.environ["LOG_LEVEL"] = "ERROR"
    (workdir / "staticfiles").mkdir()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from roundtable.accounts.testing import make_coordinator
    from roundtable.cocreation.testing import add_agenda, make_session
    from roundtable.workspace.tests.day_factories import crowd

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    session = make_session(title="A very big session", capacity=args.bookings)
    add_agenda(session)
    crowd(session, args.bookings)
    client = Client()
    client.force_login(make_coordinator())

    # The coordinator's per-session bookings page when it exists; the sign-in list otherwise.
    try:
        bookings_url, bookings_page = (
            reverse("coordinator:session_bookings", args=[session.pk]),
            "coordinator:session_bookings",
        )
    except NoReverseMatch:
        bookings_url, bookings_page = reverse("day:check_in", args=[session.pk]), "day:check_in"

    result: dict = {"bookings": args.bookings, "database": django.db.connection.vendor, "pages": {}}
    for name, url in (
        (bookings_page, bookings_url),
        ("day:check_in", reverse("day:check_in", args=[session.pk])),
        ("day:access_briefing", reverse("day:access_briefing", args=[session.pk])),
    ):
        result["pages"][name] = _timed(client, url, args.repeat)

    badges_url = reverse("day:badges_pdf", args=[session.pk])
    client.get(badges_url)  # warm: fonts loaded once per process, as in a running server
    pdf_times = []
    for _ in range(args.pdf_repeat):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(badges_url)
        pdf_times.append((time.perf_counter() - start, time.process_time() - cpu))
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    tracemalloc.start()
    client.get(badges_url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result["badges_pdf"] = {
        "badges": args.bookings,
        "median_s": round(statistics.median(t for t, _ in pdf_times), 2),
        "min_s": round(min(t for t, _ in pdf_times), 2),
        "median_cpu_s": round(statistics.median(c for _, c in pdf_times), 2),
        "runs": args.pdf_repeat,
        "pages": _page_count(response.content),
        "bytes": len(response.content),
        "peak_heap_mb": round(peak / 1e6, 1),
    }
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["load_average"] = os.getloadavg()[0]

    page = result["pages"][bookings_page]
    result["targets"] = {
        "bookings_page_under_300ms": page["median_ms"] < PAGE_TARGET_MS,
        "badges_under_5s": result["badges_pdf"]["median_s"] < BADGES_TARGET_S,
    }

    print(f"\nOn the day, {args.bookings} bookings ({result['database']}, load average {result['load_average']:.1f})")
    print(f"{'page':32} {'median':>9} {'p95':>9} {'CPU':>9} {'peak heap':>10} {'size':>9}")
    for name, figures in result["pages"].items():
        print(
            f"{name:32} {figures['median_ms']:>6} ms {figures['p95_ms']:>6} ms {figures['median_cpu_ms']:>6} ms"
            f" {figures['peak_heap_mb']:>7} MB {figures['bytes'] // 1024:>6} KB"
        )
    pdf = result["badges_pdf"]
    print(
        f"{'day:badges_pdf':32} {pdf['median_s']:>7} s  {'':>9} {pdf['median_cpu_s']:>7} s"
        f" {pdf['peak_heap_mb']:>7} MB {pdf['bytes'] // 1024:>6} KB   ({pdf['badges']} badges, {pdf['pages']} pages)"
    )
    print(f"peak resident memory of the process: {result['peak_rss_mb']} MB")
    for target, met in result["targets"].items():
        print(f"  {'met   ' if met else 'MISSED'} {target}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
