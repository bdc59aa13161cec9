"""The live board under a full room (issue 14): participants add ideas and vote while many
screens poll the board, served as `make demo` serves it (gunicorn, 2 sync workers).

    .venv/bin/python bench/bench_board.py [--db sqlite|postgres] [--seconds 60] [--participants 60]
        [--pollers 200] [--interval 1.0] [--ideas 600] [--votes 180]

Pollers send `GET /api/boards/{code}` every `--interval` seconds with the ETag they last got
(304 until the board changes). Participants add `--ideas` ideas spread over the first two thirds
of the run, then the board moves to voting and they place `--votes` dots. Measured:

- "idea added → seen by others": for each idea and each poller, from the moment the 201 came back
  to the moment that poller's answer first listed it (p50, p99);
- the board state request: latency of every poll (p50, p99), and how many were 304;
- CPU per request of the web workers (and PostgreSQL's backends), from /proc;
- whether the session page and sign-up still answer: one of each every second, their latencies;
- that the dots counted equal the dots placed.

Target: seen within 2 s at p99, with the session page and sign-up still answering.
Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import CpuMeter, _descendants, _free_port, _manage, _shell, _wait_up  # noqa: E402
from roundtable.core import serve  # noqa: E402
from roundtable.core.testing import live_site_env  # noqa: E402

POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
SETUP = """
import json
from roundtable.accounts.testing import make_coordinator
from roundtable.accounts.models import ApiToken
from roundtable.board.testing import make_board
from roundtable.cocreation.testing import make_session
coordinator = make_coordinator()
_, token = ApiToken.issue(coordinator)
board = make_board(session=make_session(days_ahead=0), actor=coordinator, dots_per_person={dots},
                   several_dots_on_one_idea=True)
page = make_session(capacity=100000, title="Still answering")
print(json.dumps({{"code": board.code, "id": board.pk, "token": token, "page": page.pk}}))
"""


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))], 3)


def _request(url: str, *, body: dict | None = None, headers: dict | None = None, timeout: float = 30):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 (loopback only)
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers


class Poller(threading.Thread):
    def __init__(self, base: str, code: str, interval: float, stop: threading.Event, added: dict):
        super().__init__(daemon=True)
        self.url, self.interval, self.stop, self.added = f"{base}/api/boards/{code}", interval, stop, added
        self.etag = ""
        self.seen: dict[int, float] = {}
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        time.sleep(random.random() * self.interval)  # noqa: S311 (spread the pollers out)
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status, raw, headers = _request(self.url, headers={"If-None-Match": self.etag} if self.etag else None)
            except OSError:
                status, raw, headers = 0, b"", {}
            now = time.monotonic()
            self.latencies.append(now - started)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200:
                self.etag = headers.get("ETag", "")
                for idea in json.loads(raw)["ideas"]:
                    self.seen.setdefault(idea["id"], now)
            self.stop.wait(max(0.0, self.interval - (time.monotonic() - started)))


def _probe(url: str, stop: threading.Event, out: list, *, signup: bool) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        started = time.monotonic()
        body = {"name": f"Probe {n}", "email": f"probe{n}-{secrets.token_hex(3)}@example.org"} if signup else None
        try:
            status, _, _ = _request(url, body=body)
        except OSError:
            status = 0
        out.append((status, time.monotonic() - started))
        stop.wait(1.0)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--pollers", type=int, default=200)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--ideas", type=int, default=600)
    parser.add_argument("--votes", type=int, default=180)
    args = parser.parse_args(argv)
    dots = max(1, -(-args.votes // args.participants))

    workdir = Path(tempfile.mkdtemp(prefix="rt-bench-board-"))
    database = f"sqlite:///{workdir / 'bench.sqlite3'}"
    pg_name = ""
    if args.db == "postgres":
        import psycopg

        pg_name = f"roundtable_bench_board_{secrets.token_hex(4)}"
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{pg_name}"')
        database = f"{POSTGRES_SERVER}/{pg_name}"
    env = live_site_env(database, workdir / "var")
    procs: dict = {}
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "createcachetable")
        world = _shell(env, SETUP.format(dots=dots))
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = workdir / "server.log"
        with open(log, "w") as handle:
            procs = serve.start(
                {"web": serve.gunicorn_command(port=port, workers=2)}, env=env, stdout=handle, stderr=subprocess.STDOUT
            )
        _wait_up(f"{base}/api/boards/{world['code']}", procs, log)
        code, token = world["code"], world["token"]
        keys = [
            json.loads(_request(f"{base}/api/boards/{code}/join", body={})[1])["participant_key"]
            for _ in range(args.participants)
        ]

        groups = {"web workers": lambda: _descendants(procs["web"].pid)}
        if pg_name:
            groups["postgresql"] = lambda: _postgres_backends(pg_name)
        stop = threading.Event()
        added: dict[int, float] = {}
        pollers = [Poller(base, code, args.interval, stop, added) for _ in range(args.pollers)]
        page_times: list = []
        signup_times: list = []
        probes = [
            threading.Thread(target=_probe, args=(f"{base}/sessions/{world['page']}/", stop, page_times), kwargs={"signup": False}, daemon=True),
            threading.Thread(
                target=_probe, args=(f"{base}/api/sessions/{world['page']}/bookings", stop, signup_times), kwargs={"signup": True}, daemon=True,
            ),
        ]  # fmt: skip
        writes: list[float] = []
        with CpuMeter(groups) as cpu:
            started = time.monotonic()
            for thread in pollers + probes:
                thread.start()
            collecting = args.seconds * 2 / 3
            for n in range(args.ideas):
                time.sleep(max(0.0, started + n * collecting / args.ideas - time.monotonic()))
                t0 = time.monotonic()
                status, raw, _ = _request(
                    f"{base}/api/boards/{code}/ideas",
                    body={"text": f"Idea {n}"},
                    headers={"Authorization": f"Bearer {keys[n % len(keys)]}"},
                )
                writes.append(time.monotonic() - t0)
                if status == 201:
                    added[json.loads(raw)["id"]] = time.monotonic()
            _request(
                f"{base}/api/boards/{world['id']}/stage",
                body={"stage": "voting"},
                headers={"Authorization": f"Bearer {token}"},
            )
            ideas = list(added)
            voting = max(1.0, args.seconds - (time.monotonic() - started))
            placed = 0
            for n in range(args.votes):
                time.sleep(max(0.0, started + collecting + n * voting / args.votes - time.monotonic()))
                t0 = time.monotonic()
                status, _, _ = _request(
                    f"{base}/api/boards/{code}/votes",
                    body={"idea_id": ideas[n % len(ideas)]},
                    headers={"Authorization": f"Bearer {keys[n % len(keys)]}"},
                )
                writes.append(time.monotonic() - t0)
                placed += status == 201
            time.sleep(max(0.0, started + args.seconds - time.monotonic()))
            stop.set()
            for thread in pollers + probes:
                thread.join(timeout=30)
            elapsed = time.monotonic() - started
        _request(
            f"{base}/api/boards/{world['id']}/stage",
            body={"stage": "closed"},
            headers={"Authorization": f"Bearer {token}"},
        )
        final = json.loads(_request(f"{base}/api/boards/{code}")[1])

        seen = [p.seen[i] - t for p in pollers for i, t in added.items() if i in p.seen]
        missed = sum(1 for p in pollers for i in added if i not in p.seen)
        polls = [x for p in pollers for x in p.latencies]
        statuses: dict[int, int] = {}
        for p in pollers:
            for status, count in p.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        requests = len(polls) + len(writes) + len(page_times) + len(signup_times)
        server_log = log.read_text()
        result = {
            "database": args.db,
            "seconds": round(elapsed, 1),
            "participants": args.participants,
            "pollers": args.pollers,
            "poll_interval_s": args.interval,
            "ideas_added": len(added),
            "dots_placed": placed,
            "dots_counted": sum(i["votes"] for i in final["ideas"]),
            "seen_s": {"p50": _pct(seen, 50), "p99": _pct(seen, 99), "max": _pct(seen, 100), "never_seen": missed},
            "board_state_s": {"p50": _pct(polls, 50), "p99": _pct(polls, 99), "requests": len(polls), "statuses": statuses},
            "writes_s": {"p50": _pct(writes, 50), "p99": _pct(writes, 99)},
            "session_page_s": {"p99": _pct([t for _, t in page_times], 99), "not_200": sum(s != 200 for s, _ in page_times)},
            "signup_s": {"p99": _pct([t for _, t in signup_times], 99), "not_201": sum(s != 201 for s, _ in signup_times)},
            "requests_per_s": round(requests / elapsed, 1),
            "cpu_ms_per_request": cpu.per_request_ms(requests),
            "database_is_locked_lines": server_log.count("database is locked"),
            "tracebacks": server_log.count("Traceback"),
        }  # fmt: skip
        target = result["seen_s"]["p99"] is not None and result["seen_s"]["p99"] <= 2.0 and not missed
        result["target_met"] = bool(target and result["dots_placed"] == result["dots_counted"])
        print(json.dumps(result))
        return result
    finally:
        if procs:
            serve.stop(procs)
        if pg_name:
            import psycopg

            with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def _postgres_backends(name: str) -> list[int]:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
    return [int(row[0]) for row in rows]


if __name__ == "__main__":
    sys.exit(0 if main()["target_met"] else 1)
