"""The impact dashboard and the funder PDF over a centre's whole history.

    .venv/bin/python bench/bench_evaluation.py [--db sqlite|postgres] [--repeat 5] [--pdf-repeat 3] [--json PATH]

Data (bench/evaluation_data.py, bulk_create): 2,000 sessions over five years, 50,000 people, 500,000
bookings, 100,000 feedback responses, 7,700 decisions and 15,000 actions, four aims with 14
indicators, 36 pieces of evidence (6 photos) and three self-assessments.

- SQLite: the database and its photos live in var/bench-evaluation/ and are reused by later runs
  (generating takes minutes); --fresh makes them again.
- PostgreSQL: the database roundtable_bench_eval is created, filled and dropped by this script
  (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432).

Server-side time is Django's whole handling of a request through the test client (middleware,
queries, charts, template or PDF), with no network. "Uncached" clears the in-process chart cache
before every request, so each one draws all its charts; "warm" is a reload of the same figures.
One untimed request first loads matplotlib, fonts and templates, as a running server already has.

Targets (issue 5): dashboard under 1 s, funder PDF under 15 s. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {"sessions": 2_000, "people": 50_000, "bookings": 500_000, "feedback": 100_000}
DASHBOARD_TARGET_S = 1.0
PDF_TARGET_S = 15.0
PG_NAME = "roundtable_bench_eval"


def _pg_admin(sql: str, base: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _configure(db: str) -> tuple[Path, str | None]:
    workdir = ROOT / "var" / "bench-evaluation"
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "staticfiles").mkdir(exist_ok=True)
    os.environ["ROUNDTABLE_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["STATIC_MANIFEST"] = "false"
    os.environ["LOG_LEVEL"] = "ERROR"
    pg_base = None
    if db == "postgres":
        pg_base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        os.environ["DATABASE_URL"] = f"{pg_base}/{PG_NAME}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'evaluation.sqlite3'}"
    return workdir, pg_base


def _timed(client, url: str, params: dict, repeat: int, *, uncached: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from roundtable.evaluation import charts

    times, cpu = [], []
    for _ in range(repeat):
        if uncached:
            charts._line_svg.cache_clear()
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
        assert response.status_code == 200, (url, response.status_code, response.content[:500])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    return {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "median_cpu_s": round(statistics.median(cpu), 3),
        "runs": repeat,
        "queries": len(queries),
        "bytes": len(response.content),
        "charts": response.content.count(b'role="img"'),
    }


def _slowest_queries(client, url: str, params: dict, top: int = 5) -> list[dict]:
    """Where the database time goes, for the report: each query of one request, timed."""
    from django.db import connection

    from roundtable.evaluation import charts

    timings: list[dict] = []

    def timer(execute, sql, params_, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params_, many, context)
        finally:
            timings.append({"ms": round((time.perf_counter() - start) * 1000, 1), "sql": sql[:160]})

    charts._line_svg.cache_clear()
    with connection.execute_wrapper(timer):
        client.get(url, params)
    return sorted(timings, key=lambda t: -t["ms"])[:top]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5, help="timed dashboard requests of each kind")
    parser.add_argument("--pdf-repeat", type=int, default=3, help="timed funder PDFs")
    parser.add_argument("--fresh", action="store_true", help="SQLite: generate the data again")
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep the database afterwards (to study plans)")
    args = parser.parse_args(argv)

    workdir, pg_base = _configure(args.db)
    db_file = workdir / "evaluation.sqlite3"
    marker = workdir / "generated.json"
    if args.db == "sqlite" and args.fresh:
        for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm"), marker):
            path.unlink(missing_ok=True)
    if pg_base:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME}", pg_base)
        _pg_admin(f"CREATE DATABASE {PG_NAME}", pg_base)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.evaluation_data import generate
    from roundtable.accounts.models import User
    from roundtable.cocreation.models import Programme
    from roundtable.evaluation import reports_funder
    from roundtable.workspace.forms.evaluation_reports import default_period

    result: dict = {"database": args.db, "sizes": SIZES}
    try:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        reuse = args.db == "sqlite" and marker.exists() and json.loads(marker.read_text()).get("sizes") == SIZES
        if reuse:
            result["generate_s"] = None
            result["reused"] = str(db_file.relative_to(ROOT))
        else:
            start = time.perf_counter()
            generate(**SIZES, progress=lambda message: print(f"  generating {message}", file=sys.stderr, flush=True))
            result["generate_s"] = round(time.perf_counter() - start, 1)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            if args.db == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                marker.write_text(json.dumps({"sizes": SIZES, "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S")}))
        coordinator = User.objects.get(email="bench-coordinator@example.org")
        client = Client()
        client.force_login(coordinator)

        dashboard = reverse("evaluation:dashboard")
        programme = Programme.objects.order_by("id").first()
        start, end = default_period()
        five_years = {
            "start_day": 1,
            "start_month": end.month,
            "start_year": end.year - 5,
            "end_day": end.day,
            "end_month": end.month,
            "end_year": end.year,
        }
        client.get(dashboard)  # untimed: matplotlib, fonts, templates, connection
        result["dashboard"] = {
            "last_12_months_uncached": _timed(client, dashboard, {}, args.repeat, uncached=True),
            "last_12_months_warm": _timed(client, dashboard, {}, args.repeat, uncached=False),
            "one_programme_uncached": _timed(
                client, dashboard, {"programme": programme.pk}, args.repeat, uncached=True
            ),
            "five_years_uncached": _timed(client, dashboard, five_years, max(args.repeat // 2, 2), uncached=True),
        }
        result["dashboard_slowest_queries"] = _slowest_queries(client, dashboard, {})

        funder = reverse("evaluation:funder_report")
        evidence = [str(e.pk) for e in reports_funder.evidence_candidates(start=start, end=end, programme=None)]
        params = {"download": "1", "evidence": evidence}
        client.get(funder, params)  # untimed: WeasyPrint's fonts
        pdf = _timed(client, funder, params, args.pdf_repeat, uncached=True)
        response = client.get(funder, params)
        from io import BytesIO

        from pypdf import PdfReader

        pdf["pages"] = len(PdfReader(BytesIO(response.content)).pages)
        pdf["evidence"] = len(evidence)
        result["funder_pdf"] = pdf
        result["targets"] = {
            "dashboard_s": DASHBOARD_TARGET_S,
            "dashboard_met": result["dashboard"]["last_12_months_uncached"]["median_s"] < DASHBOARD_TARGET_S,
            "funder_pdf_s": PDF_TARGET_S,
            "funder_pdf_met": pdf["median_s"] < PDF_TARGET_S,
        }
    finally:
        if pg_base and not args.keep:
            connection.close()
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME}", pg_base)

    _print(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    return result


def _print(result: dict) -> None:
    print(
        f"\nEvaluation reports on {result['database']} — {', '.join(f'{v:,} {k}' for k, v in result['sizes'].items())}"
    )
    if result.get("generate_s") is not None:
        print(f"  generated in {result['generate_s']} s")
    else:
        print(f"  reused {result.get('reused')}")
    print(f"  {'page':<34} {'median':>8} {'min':>8} {'max':>8} {'cpu':>8} {'queries':>8} {'charts':>7}")
    for name, row in result["dashboard"].items():
        print(
            f"  dashboard {name:<24} {row['median_s']:>7.3f}s {row['min_s']:>7.3f}s {row['max_s']:>7.3f}s "
            f"{row['median_cpu_s']:>7.3f}s {row['queries']:>8} {row['charts']:>7}"
        )
    pdf = result["funder_pdf"]
    print(
        f"  {'funder PDF (last 12 months)':<34} {pdf['median_s']:>7.3f}s {pdf['min_s']:>7.3f}s {pdf['max_s']:>7.3f}s "
        f"{pdf['median_cpu_s']:>7.3f}s {pdf['queries']:>8} {'':>7}  {pdf['pages']} pages, {pdf['bytes'] / 1e6:.1f} MB"
    )
    targets = result["targets"]
    print(
        f"  targets: dashboard < {targets['dashboard_s']} s {'met' if targets['dashboard_met'] else 'MISSED'}; "
        f"funder PDF < {targets['funder_pdf_s']} s {'met' if targets['funder_pdf_met'] else 'MISSED'}"
    )
    print("  slowest queries of one uncached dashboard:")
    for query in result["dashboard_slowest_queries"]:
        print(f"    {query['ms']:>8.1f} ms  {query['sql'][:100]}")


if __name__ == "__main__":
    main()
