"""What every app's tests share from the foundation: running the background work as the real
processes would. Factories live with their models (`<app>/testing.py`), so a test imports only its
own app and the apps below it."""

from __future__ import annotations

from django.core.management import call_command


def run_tasks() -> None:
    """Run the background worker until the task queue is empty, then the mailer until nothing in
    the outbox is due, as the real processes would."""
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    call_command("mailer", "--once", verbosity=0)
