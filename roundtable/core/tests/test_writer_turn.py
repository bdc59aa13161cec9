"""SQLite writers queue on a file lock beside the database (roundtable/core/writer_turn.py): the
next process waits for the one writing and goes the moment it finishes. On PostgreSQL it does
nothing."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from roundtable.core.writer_turn import writer_turn

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
fcntl.flock(fd, fcntl.LOCK_UN)
"""


def _held_by_another_process(seconds: float, tmp_path: Path) -> subprocess.Popen[str]:
    # On PostgreSQL there is no such file to queue on; the other process holds one of its own.
    sqlite = connection.vendor == "sqlite"
    lock_file = Path(f"{connection.settings_dict['NAME']}.writers") if sqlite else tmp_path / "elsewhere.writers"
    command = [sys.executable, "-c", HOLD, str(lock_file), str(seconds)]  # our own interpreter and script
    other = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert other.stdout is not None and other.stdout.readline().strip() == "holding"
    return other


def _time_to_get_a_turn() -> float:
    started = time.monotonic()
    with writer_turn():
        return time.monotonic() - started


def test_a_writer_waits_for_another_process_and_goes_as_soon_as_it_is_done(tmp_path):
    other = _held_by_another_process(0.6, tmp_path)
    try:
        waited = _time_to_get_a_turn()
    finally:
        other.wait(timeout=10)
    if connection.vendor == "sqlite":
        assert 0.4 < waited < 3, waited
    else:  # PostgreSQL: row locks already wake waiters at once, so the file means nothing
        assert waited < 0.3, waited


def test_inside_a_transaction_it_never_waits_again(tmp_path):
    from django.db import transaction

    other = _held_by_another_process(2, tmp_path)
    try:
        with transaction.atomic():
            waited = _time_to_get_a_turn()
    finally:
        other.wait(timeout=10)
    assert waited < 0.3, waited
