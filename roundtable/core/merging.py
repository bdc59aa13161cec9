"""Merging two records of the same person (two email addresses, say), everywhere: one registry,
like forgetting's (core/forgetting.py), and each app says how it moves its own rows.

An app registers a merger in its own `merging.py`:

    @merger("bookings", order=10)
    def merge_bookings(keep_id: int, drop_id: int) -> list[str]:
        ...  # move this app's rows from drop_id to keep_id; return what it did, in plain English

`merge_everywhere()` runs every merger, lowest `order` first, in one transaction, so the records
are merged completely or not at all; the people merger runs last and deletes the dropped record,
refusing if anything still points at it (so nothing is ever lost through a cascade).
`preview_merge()` runs the same mergers and rolls everything back, so what a coordinator is
shown before confirming is exactly what confirming does. `tests/test_merging_everywhere.py` fails
when an app holds a foreign key to Person and registers no merger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction
from django.utils.module_loading import autodiscover_modules


class MergeError(Exception):
    """The records cannot be merged as they are; the message says why, for the coordinator."""


class Merger(Protocol):
    def __call__(self, keep_id: int, drop_id: int) -> list[str]: ...


@dataclass(frozen=True)
class Registered:
    name: str
    order: int
    merge: Merger


_mergers: dict[str, Registered] = {}


def merger(name: str, order: int = 100) -> Callable[[Merger], Merger]:
    def register(func: Merger) -> Merger:
        _mergers[name] = Registered(name=name, order=order, merge=func)
        return func

    return register


def mergers() -> list[Registered]:
    autodiscover_modules("merging")
    return sorted(_mergers.values(), key=lambda m: (m.order, m.name))


def merge_everywhere(*, keep_id: int, drop_id: int) -> dict[str, list[str]]:
    """Run every merger in one transaction; returns what each part did."""
    if keep_id == drop_id:
        raise MergeError("Choose two different records to merge.")
    done: dict[str, list[str]] = {}
    with transaction.atomic():
        for registered in mergers():
            done[registered.name] = registered.merge(keep_id, drop_id)
    return done


class _Rollback(Exception):
    pass


def preview_merge(*, keep_id: int, drop_id: int) -> dict[str, list[str]]:
    """What merging would do, without doing it: the same mergers, rolled back."""
    result: dict[str, list[str]] = {}
    try:
        with transaction.atomic():
            result = merge_everywhere(keep_id=keep_id, drop_id=drop_id)
            raise _Rollback
    except _Rollback:
        pass
    return result
