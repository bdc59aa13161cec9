"""Run Roundtable the way a small production site runs it: gunicorn, the task worker, the mailer,
the scheduler.

    python -m roundtable.core.serve --port 8000

All four start together and stop together: one Ctrl-C (or SIGTERM) is passed on to each
as a graceful SIGTERM, and if one dies on its own the others are stopped too, so the demo
never keeps taking sign-ups whose confirmation emails nobody will send.

The live concurrency test and the benchmark start the site through `server_commands()` so
they measure exactly what `make demo` runs.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[2]
STOP_GRACE_SECONDS = 15


def gunicorn_command(*, port: int, host: str = "127.0.0.1", workers: int = 2, threads: int = 1) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--chdir",
        str(BASE_DIR),
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--graceful-timeout",
        "10",
        # Deliberately no --access-logfile: a private manage link is a URL, and URLs must never
        # reach a log file. Errors still go to stderr.
        "--log-level",
        "warning",
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    return command


def worker_command() -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), "db_worker", "--no-reload", "--interval", "1", "-v", "1"]


def mailer_command() -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), "mailer"]


def scheduler_command() -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), "scheduler"]


def server_commands(*, port: int, host: str = "127.0.0.1", workers: int = 2) -> dict[str, list[str]]:
    """The web server, the task worker, the mailer that sends the outbox, and the scheduler that
    enqueues periodic jobs (reminders, released places, deleting access needs after the session)
    for the worker."""
    return {
        "web": gunicorn_command(port=port, host=host, workers=workers),
        "worker": worker_command(),
        "mailer": mailer_command(),
        "scheduler": scheduler_command(),
    }


# Background work yields the CPU to requests: in a rush for places the sign-ups are answered
# first and their confirmation emails follow seconds later. With nothing else to do, a niced
# process runs at full speed, so outside a rush this changes nothing.
NICENESS = {"worker": 10, "mailer": 10, "scheduler": 10}


def _child_setup(niceness: int) -> Callable[[], None]:
    def setup() -> None:
        if niceness:
            os.nice(niceness)
        if sys.platform.startswith("linux"):
            # Get SIGTERM if this runner is killed outright, so nothing is left behind.
            try:
                ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
            except OSError:
                pass

    return setup


def child_env(overrides: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **(overrides or {})}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A GUNICORN_CMD_ARGS from the caller could switch the access log back on.
    env.pop("GUNICORN_CMD_ARGS", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def site_env(*, host: str, port: int) -> dict[str, str]:
    """Without SITE_URL, links in emails, calendar files and the API point at the address this
    runner actually serves on (settings refuse to guess for a public host name)."""
    if os.environ.get("SITE_URL", "").strip():
        return {}
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 (not binding, naming)
    if ":" in shown:
        shown = f"[{shown}]"
    return {"SITE_URL": f"http://{shown}:{port}"}


def start(commands: dict[str, list[str]], **popen_kwargs: Any) -> dict[str, subprocess.Popen[bytes]]:
    """Start each process in its own session, so a terminal's Ctrl-C reaches only this runner
    and each child gets exactly one signal (a second SIGINT would make the worker abandon a task)."""
    env = popen_kwargs.pop("env", None) or child_env()
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for name, command in commands.items():
        procs[name] = subprocess.Popen(  # noqa: S603 (our own fixed commands)
            command,
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
            preexec_fn=_child_setup(NICENESS.get(name, 0)),
            **popen_kwargs,
        )
    return procs


def stop(procs: dict[str, subprocess.Popen[bytes]], grace: float = STOP_GRACE_SECONDS) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs.values():
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(*, port: int, host: str, workers: int) -> int:
    stopping: dict[str, int | None] = {"signal": None}

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    procs = start(server_commands(port=port, host=host, workers=workers), env=child_env(site_env(host=host, port=port)))
    print(
        f"Roundtable is running at http://{host}:{port}/ "
        f"(gunicorn with {workers} workers, the task worker, the mailer and the scheduler)."
    )
    print("Emails are written to var/sent-mail/ unless EMAIL_HOST is set. Press Ctrl-C to stop.", flush=True)

    exit_code = 0
    while stopping["signal"] is None:
        dead = [(name, p.returncode) for name, p in procs.items() if p.poll() is not None]
        if dead:
            name, code = dead[0]
            print(f"The {name} process stopped (exit code {code}), so stopping the rest.", file=sys.stderr)
            exit_code = code if code and code > 0 else 1
            break
        time.sleep(0.2)

    stop(procs)
    if stopping["signal"] is not None:
        print("Stopped.")
    return exit_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Serve Roundtable with gunicorn, the task worker, the mailer and the scheduler."
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    return run(port=args.port, host=args.host, workers=args.workers)


if __name__ == "__main__":
    sys.exit(main())
