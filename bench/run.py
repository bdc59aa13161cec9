"""`make bench`: Roundtable under load, on SQLite and PostgreSQL, next to the framework floor and pretix.

For each database: a fresh database with the demo data, served exactly as `make demo` serves it
(gunicorn with 2 workers plus the task worker, the mailer and the scheduler, through roundtable.core.serve), then

  1. the public session page of a demo session: requests/s at concurrency 16 (as the pretix
     harness measures pretix's shop page), next to bench/floorapp.py served the same way;
  2. 500 sign-up attempts (distinct emails) at concurrency 50 for a 30-place session through
     POST /api/sessions/{id}/bookings: confirmed, waitlisted, errors, attempts/s, p50/p99,
     and the counts checked against the database.

Results go to bench/results/<time>.json and .md; the table is printed. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from roundtable.core import serve  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# pretix 2026.8 measured on this kind of machine with the harness in ../shared/bench/pretix/
# (gunicorn 2 sync workers, PostgreSQL, Django 5.2.19; medians of 6 repetitions, +-15-20 %).
PRETIX = {
    "page_rps": 35.0,
    "floor_rps": 1600.0,
    "page_pct_of_floor": 2.2,
    "attempts_per_s": 50.0,
    "p99_ms": 3400.0,
    "source": "../shared/bench/pretix/README.md (published figures, not measured in this run)",
}


def pretix_measured(directory: Path) -> dict:
    """pretix's figures from a run of ../shared/bench/pretix/pretix_bench.sh (medians over its
    repetitions), so `make bench-pretix` puts both side by side from one sitting."""
    import statistics

    def runs(prefix: str, suffix: str = ".json") -> list[dict]:
        # get_pretix_1.json, not get_pretix_1.cpu.json
        files = [
            f for f in sorted(directory.glob(f"{prefix}_*{suffix}")) if re.fullmatch(rf"{prefix}_\d+{suffix}", f.name)
        ]
        return [json.loads(f.read_text()) for f in files]

    def median(values: list) -> float | None:
        values = [v for v in values if v is not None]
        return round(statistics.median(values), 1) if values else None

    pages, floors, orders = runs("get_pretix"), runs("get_floor"), runs("orders")
    if not (pages and floors and orders):
        raise SystemExit(f"no pretix results in {directory}")
    page_rps, floor_rps = median([r["rps"] for r in pages]), median([r["rps"] for r in floors])
    created = [r.get("positions_live") for r in runs("orders", ".db.json")]
    return {
        "page_rps": page_rps,
        "floor_rps": floor_rps,
        "page_pct_of_floor": round(100 * page_rps / floor_rps, 1),
        "attempts_per_s": median([r["rps"] for r in orders]),
        "p50_ms": median([r["lat_ms"]["p50"] for r in orders]),
        "p99_ms": median([r["lat_ms"]["p99"] for r in orders]),
        "orders_created": created,
        "errors": sum(sum(v for k, v in r["status"].items() if not k.startswith("2") and k != "400") for r in orders),
        "source": f"measured in this run by the pretix harness ({directory})",
    }


TARGET_PAGE_PCT = 20.0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


class CpuMeter:
    """Where the CPU goes during a phase, per process group: the web workers, the task worker,
    the PostgreSQL backends serving this database, and this load generator. Unlike requests/s,
    CPU per request barely depends on what else the (shared, two-core) machine is doing."""

    def __init__(self, groups):
        self.groups = groups  # name -> callable returning pids

    def __enter__(self) -> CpuMeter:
        self.start = {name: {pid: _cpu_of(pid) for pid in pids()} for name, pids in self.groups.items()}
        self.client = time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = {
            name: sum(_cpu_of(pid) - self.start[name].get(pid, 0.0) for pid in pids())
            for name, pids in self.groups.items()
        }
        self.seconds["load generator"] = time.process_time() - self.client

    def per_request_ms(self, count: int) -> dict[str, float]:
        return {name: round(1000 * sec / max(count, 1), 2) for name, sec in self.seconds.items()}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, procs: dict, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs.values()):
            raise SystemExit(f"a server process died while starting:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 (loopback only)
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s:\n{log.read_text()[-3000:]}")


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _shell(env: dict, code: str) -> dict:
    return json.loads(_manage(env, "shell", "-v0", "-c", code).strip().splitlines()[-1])


def measure_floor(args) -> dict:
    port = _free_port()
    log = Path(tempfile.mkdtemp(prefix="roundtable-bench-floor-")) / "floor.log"
    command = [
        sys.executable, "-m", "gunicorn", "floorapp:application", "--pythonpath", str(ROOT / "bench"),
        "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning",
    ]  # fmt: skip
    with open(log, "w") as out:
        procs = serve.start({"floor": command}, env=serve.child_env(), stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_up(f"http://127.0.0.1:{port}/", procs, log)
        loadgen.run(f"http://127.0.0.1:{port}/", concurrency=args.page_concurrency, seconds=args.warmup)
        with CpuMeter({"web": lambda: _descendants(procs["floor"].pid)}) as cpu:
            result = loadgen.run(
                f"http://127.0.0.1:{port}/", concurrency=args.page_concurrency, seconds=args.page_seconds
            )
    finally:
        serve.stop(procs)
    return {**result.summary(), "cpu_ms_per_request": cpu.per_request_ms(result.completed)}


class Site:
    """A fresh database with the demo data, served as `make demo` serves it."""

    def __init__(self, database: str, args):
        self.database = database
        self.args = args
        self.var = Path(tempfile.mkdtemp(prefix=f"roundtable-bench-{database}-"))
        self.pg_name = None
        if database == "postgresql":
            self.pg_name = f"roundtable_bench_{secrets.token_hex(4)}"
            url = f"{args.postgres_server}/{self.pg_name}"
        else:
            url = f"sqlite:///{self.var / 'bench.sqlite3'}"
        self.env = serve.child_env(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DATABASE_URL": url,
                "ROUNDTABLE_VAR_DIR": str(self.var),
                "SIGNUP_RATE_LIMIT": "off",
                "DEBUG": "false",
            }
        )
        for name in ("EMAIL_HOST", "EMAIL_BACKEND", "STATIC_MANIFEST"):
            self.env.pop(name, None)
        self.log = self.var / "server.log"
        self.procs: dict = {}

    def __enter__(self) -> Site:
        if self.pg_name:
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
        # The static files are collected once into the project's var/ (incremental, and already
        # done by `make bench`) and shared, instead of copied and compressed again per database.
        (self.var / "staticfiles").symlink_to(ROOT / "var" / "staticfiles")
        _manage(self.env, "migrate", "--noinput", "-v0")
        _manage(self.env, "createcachetable")
        _manage(self.env, "seed_demo")
        self.page_session = _shell(
            self.env,
            "import json; from roundtable.cocreation.models import Session; "
            'print(json.dumps(Session.objects.get(title="Where should the Centre\'s money go?").pk))',
        )
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        with open(self.log, "w") as out:
            self.procs = serve.start(
                serve.server_commands(port=self.port), env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        _wait_up(f"{self.base}/sessions/{self.page_session}/", self.procs, self.log)
        return self

    def __exit__(self, *exc) -> None:
        serve.stop(self.procs)
        if self.pg_name:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        if not self.args.keep:
            shutil.rmtree(self.var, ignore_errors=True)

    def _pg(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.args.postgres_server}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)

    def cpu_groups(self) -> dict:
        groups = {
            "web": lambda: _descendants(self.procs["web"].pid),
            "task worker": lambda: _descendants(self.procs["worker"].pid),
            "mailer": lambda: _descendants(self.procs["mailer"].pid),
        }
        if self.pg_name:
            groups["postgres"] = self._pg_backends
        return groups

    def _pg_backends(self) -> list[int]:
        import psycopg

        with psycopg.connect(f"{self.args.postgres_server}/postgres", autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.pg_name]).fetchall()
        return [row[0] for row in rows]

    def new_race_session(self) -> int:
        return _shell(
            self.env,
            "import json; from roundtable.cocreation.testing import make_session; "
            "print(json.dumps(make_session(capacity=30, title='The rush').pk))",
        )

    def bookings(self, session_id: int) -> dict:
        return _shell(
            self.env,
            "import json; from roundtable.bookings.models import Booking\n"
            f"rows = list(Booking.objects.filter(session_id={session_id}))\n"
            "print(json.dumps({'statuses': [b.status for b in rows], "
            "'positions': sorted(b.waiting_list_position() for b in rows if b.status == 'waitlisted')}))",
        )


def measure_site(database: str, args) -> dict:
    print(f"\n--- {database}: fresh database, demo data, gunicorn (2 workers) + task worker + mailer", flush=True)
    with Site(database, args) as site:
        page_url = f"{site.base}/sessions/{site.page_session}/"
        loadgen.run(page_url, concurrency=args.page_concurrency, seconds=args.warmup)
        with CpuMeter(site.cpu_groups()) as page_cpu:
            page = loadgen.run(page_url, concurrency=args.page_concurrency, seconds=args.page_seconds)
        page_summary = {**page.summary(), "cpu_ms_per_request": page_cpu.per_request_ms(page.completed)}
        print(f"    session page: {page_summary}", flush=True)

        race_session = site.new_race_session()
        with CpuMeter(site.cpu_groups()) as race_cpu:
            race = loadgen.run(
                f"{site.base}/api/sessions/{race_session}/bookings",
                method="POST", concurrency=args.concurrency, requests=args.signups, keep_bodies=True,
                json_body=lambda i: {"name": f"Bench person {i}", "email": f"bench{i}@example.org"},
            )  # fmt: skip
        burst_ended = time.time()
        emails = _shell(
            site.env,
            "import json; from roundtable.core.models import OutboundEmail; "
            f"print(json.dumps(OutboundEmail.objects.filter(session_id={race_session}, state='sent').count()))",
        )
        # The mailer holds back while sign-ups pour in; how long until every confirmation has gone.
        all_sent_after = _shell(
            site.env,
            "import json, time; from roundtable.core.models import OutboundEmail\n"
            f"while OutboundEmail.objects.filter(session_id={race_session}, state='sent').count() < {args.signups}"
            " and time.time() < " + str(burst_ended + 120) + ":\n    time.sleep(0.1)\n"
            f"print(json.dumps(round(time.time() - {burst_ended}, 1)))",
        )
        told = Counter()
        positions = []
        for status, body in race.bodies:
            if status == 201:
                answer = json.loads(body)
                told[answer["status"]] += 1
                if answer["status"] == "waitlisted":
                    positions.append(answer["waiting_list_position"])
        stored = site.bookings(race_session)
        stored_counts = Counter(stored["statuses"])
        server_log = site.log.read_text()
        errors = sum(v for k, v in race.statuses.items() if k != 201) + sum(race.client_errors.values())
        waitlisted = args.signups - 30
        exact = (
            told == {"confirmed": 30, "waitlisted": waitlisted}
            and stored_counts == {"confirmed": 30, "waitlisted": waitlisted}
            and sorted(positions) == list(range(1, waitlisted + 1))
            and stored["positions"] == list(range(1, waitlisted + 1))
        )
        signups = {
            **race.summary(),
            "attempts": args.signups,
            "concurrency": args.concurrency,
            "confirmed_told": told.get("confirmed", 0),
            "waitlisted_told": told.get("waitlisted", 0),
            "confirmed_in_db": stored_counts.get("confirmed", 0),
            "waitlisted_in_db": stored_counts.get("waitlisted", 0),
            "errors": errors,
            "exact_counts": exact,
            "database_is_locked_lines": server_log.count("database is locked"),
            "tracebacks": server_log.count("Traceback"),
            "emails_sent_during_run": emails,
            "all_emails_sent_s_after_burst": all_sent_after,
            "cpu_ms_per_request": race_cpu.per_request_ms(race.completed),
        }
        print(f"    sign-ups: {signups}", flush=True)
    return {"session_page": page_summary, "signups": signups}


def _row(label: str, *cells) -> str:
    return "| " + " | ".join([label, *[str(c) for c in cells]]) + " |"


def _cpu(measurement: dict, all_groups: bool = False) -> str:
    cpu = measurement["cpu_ms_per_request"]
    names = ["web", "mailer", "task worker", "postgres", "load generator"] if all_groups else ["web", "postgres"]
    return " / ".join(str(cpu[name]) for name in names if name in cpu)


def report(results: dict) -> str:
    floor = results["floor"]["rps"]
    px = results["pretix"]
    target_attempts = 4 * px["attempts_per_s"]
    pretix_label = "pretix 2026.8 (PostgreSQL, " + ("published" if px is PRETIX else "measured now") + ")"
    lines = [
        f"# Roundtable benchmark, {results['when']}",
        "",
        f"Machine: {results['machine']}. Server: gunicorn, 2 sync workers, plus the task worker, the mailer and the scheduler (as `make demo`).",
        "",
        "| measurement | " + " | ".join(results["databases"]) + f" | {pretix_label} | target |",
        "|---|" + "---|" * (len(results["databases"]) + 2),
    ]
    per = [results[db] for db in results["databases"]]
    lines += [
        _row("session page, req/s (c=16)", *[p["session_page"]["rps"] for p in per], px["page_rps"], ""),
        _row("session page, p50 / p99 ms", *[f"{p['session_page']['p50_ms']} / {p['session_page']['p99_ms']}" for p in per], "", ""),
        _row("framework floor, req/s (c=16)", *[floor for _ in per], px["floor_rps"], ""),
        _row("session page as % of floor", *[f"{100 * p['session_page']['rps'] / floor:.1f} %" for p in per], f"{px['page_pct_of_floor']} %", f">= {TARGET_PAGE_PCT:.0f} %"),
        _row(f"sign-up attempts/s ({per[0]['signups']['attempts']} at c={per[0]['signups']['concurrency']})", *[p["signups"]["rps"] for p in per], px["attempts_per_s"], f">= {target_attempts:.0f}"),
        _row("sign-up p50 / p99 ms", *[f"{p['signups']['p50_ms']} / {p['signups']['p99_ms']}" for p in per], f"{px.get('p50_ms', '?')} / {px['p99_ms']:.0f}", ""),
        _row("confirmed (told / in database)", *[f"{p['signups']['confirmed_told']} / {p['signups']['confirmed_in_db']}" for p in per], "30", "30 / 30"),
        _row("waitlisted (told / in database)", *[f"{p['signups']['waitlisted_told']} / {p['signups']['waitlisted_in_db']}" for p in per], "n/a", ""),
        _row("errors (non-201, client errors)", *[p["signups"]["errors"] for p in per], "0 (PostgreSQL); 4-6 % 500s on SQLite", "0"),
        _row("'database is locked' in server log", *[p["signups"]["database_is_locked_lines"] for p in per], "", "0"),
        _row("confirmation emails sent while the burst ran", *[p["signups"]["emails_sent_during_run"] for p in per], "0 (send_email: false)", ""),
        _row("every confirmation sent, s after the burst", *[p["signups"]["all_emails_sent_s_after_burst"] for p in per], "", ""),
        _row("CPU ms per session page (web / postgres)", *[_cpu(p["session_page"]) for p in per], "~40", ""),
        _row("CPU ms per floor request (web)", *[results["floor"]["cpu_ms_per_request"]["web"] for _ in per], "~0.45", ""),
        _row("CPU ms per sign-up (web / mailer / task worker / postgres / load generator)", *[_cpu(p["signups"], all_groups=True) for p in per], "", ""),
    ]  # fmt: skip
    lines += ["", "Targets:"]
    for db, p in zip(results["databases"], per, strict=True):
        pct = 100 * p["session_page"]["rps"] / floor
        checks = {
            "zero errors": p["signups"]["errors"] == 0 and p["signups"]["tracebacks"] == 0,
            "exact counts and waiting-list positions 1..n": p["signups"]["exact_counts"],
            f"session page >= {TARGET_PAGE_PCT:.0f} % of floor ({pct:.1f} %)": pct >= TARGET_PAGE_PCT,
            f"attempts/s >= 4 x pretix = {target_attempts:.0f} ({p['signups']['rps']})": p["signups"]["rps"]
            >= target_attempts,
        }
        if px is not PRETIX:  # measured now; the published figure is the standing target
            published = 4 * PRETIX["attempts_per_s"]
            checks[f"attempts/s >= 4 x published pretix = {published:.0f} ({p['signups']['rps']})"] = (
                p["signups"]["rps"] >= published
            )
        for name, ok in checks.items():
            lines.append(f"- {db}: {'met' if ok else 'MISSED'}: {name}")
    lines += ["", f"pretix figures: {px['source']}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--signups", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--page-seconds", type=float, default=15)
    parser.add_argument("--page-concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument(
        "--postgres-server", default=os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary var/ folders (logs, mail)")
    parser.add_argument(
        "--pretix-results", type=Path, help="a results folder of pretix_bench.sh, to use its figures for pretix"
    )
    args = parser.parse_args(argv)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]

    results: dict = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "databases": databases,
        "pretix": pretix_measured(args.pretix_results) if args.pretix_results else PRETIX,
    }
    project_env = serve.child_env({"DJANGO_SETTINGS_MODULE": "config.settings"})
    project_env.pop("ROUNDTABLE_VAR_DIR", None)
    _manage(project_env, "collectstatic", "--noinput", "-v0")
    print("--- framework floor (bench/floorapp.py, gunicorn 2 workers)", flush=True)
    results["floor"] = measure_floor(args)
    print(f"    floor: {results['floor']}", flush=True)
    for database in databases:
        results[database] = measure_site(database, args)

    text = report(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=1))
    (RESULTS / f"{stamp}.md").write_text(text + "\n")
    print("\n" + text + f"\n\nWritten to bench/results/{stamp}.md and .json")
    correct = all(results[db]["signups"]["errors"] == 0 and results[db]["signups"]["exact_counts"] for db in databases)
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
