import signal
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from roundtable.core.email import hold_back, send_queued


class Command(BaseCommand):
    help = "Send the emails waiting in the outbox, and keep sending them as they are queued."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send everything that is due, then exit")
        parser.add_argument("--interval", type=float, default=0.5, help="Seconds between looks at an empty outbox")
        parser.add_argument("--batch", type=int, default=20, help="Emails sent over one connection to the mail server")

    def handle(self, *args: Any, once: bool = False, interval: float = 0.5, batch: int = 20, **options: Any) -> None:
        stop = {"now": False}

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop["now"] = True  # the email being sent is finished first, never cut off half-way

        if not once:
            signal.signal(signal.SIGINT, _stop)
            signal.signal(signal.SIGTERM, _stop)
            self.stdout.write("Mailer sending the outbox; Ctrl-C to stop.")
        while not stop["now"]:
            close_old_connections()
            wait = 0.0 if once else hold_back()
            if wait:
                time.sleep(min(wait, 0.5))
                continue
            outcomes = send_queued(limit=batch, should_stop=lambda: stop["now"])
            if outcomes and options["verbosity"] > 1:
                self.stdout.write(", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())))
            if outcomes:
                continue
            if once:
                return
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not stop["now"]:
                time.sleep(min(interval, 0.1))
