import signal
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from roundtable.core.schedule import enqueue_due_jobs, jobs


class Command(BaseCommand):
    help = "Enqueue periodic jobs (retention, reminders, released places…) for the worker when they are due."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit (for cron)")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between checks")

    def handle(self, *args: Any, once: bool = False, interval: float = 30.0, **options: Any) -> None:
        stop = {"now": False}

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop["now"] = True

        if not once:
            signal.signal(signal.SIGINT, _stop)
            signal.signal(signal.SIGTERM, _stop)
            self.stdout.write(f"Scheduler running {len(jobs())} periodic jobs; Ctrl-C to stop.")
        while True:
            for name in enqueue_due_jobs():
                self.stdout.write(f"Enqueued {name}")
            if once or stop["now"]:
                return
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not stop["now"]:
                time.sleep(0.5)
            if stop["now"]:
                return
