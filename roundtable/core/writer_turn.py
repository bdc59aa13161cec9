"""Queue SQLite writers in the kernel instead of letting them poll.

On SQLite every transaction begins IMMEDIATE, so a second process that wants to write waits for
the first to commit. SQLite's busy handler does that waiting by sleeping and retrying (1, 2, 5,
10, 15, 20, 25 ms…), so a sign-up that arrives a moment after another often sleeps longer than the
other needed. Holding an advisory `flock` on a file beside the database for the length of the
transaction makes the next writer wake the instant the lock is free.

Correctness never depends on this: SQLite's own lock still decides who writes. The file lock only
orders processes that use it (threads of one process share it, and other writers such as the task
worker simply meet SQLite's lock as before), and on PostgreSQL it does nothing: row locks there
already wake waiters at once.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

_files: dict[str, int] = {}
_opening = threading.Lock()


def _lock_file_for(db_path: str) -> int | None:
    if not db_path or db_path == ":memory:" or db_path.startswith("file:"):
        return None
    with _opening:
        fd = _files.get(db_path)
        if fd is None:
            fd = os.open(f"{db_path}.writers", os.O_RDWR | os.O_CREAT, 0o600)
            _files[db_path] = fd
        return fd


@contextmanager
def writer_turn() -> Iterator[None]:
    """Wrap a write transaction that is not nested in another: `with writer_turn(), transaction.atomic():`."""
    fd = None
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        fd = _lock_file_for(str(connection.settings_dict["NAME"]))
    if fd is None:
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction that takes its turn as a writer first (see above)."""
    with writer_turn(), transaction.atomic():
        yield
