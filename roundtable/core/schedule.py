"""Periodic jobs. Apps register tasks with @every(minutes=…) in their tasks.py; the scheduler
(`manage.py scheduler`, started by the demo runner beside the worker, or run from cron with --once)
enqueues each task when it is due, and the worker runs it like any other task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from roundtable.core.models import ScheduledJob


@dataclass(frozen=True)
class Job:
    name: str
    task: Any
    interval: timedelta


_jobs: dict[str, Job] = {}


def every(*, minutes: int):
    def register(task):
        name = getattr(task, "module_path", None) or f"{task.__module__}.{task.__name__}"
        _jobs[name] = Job(name=name, task=task, interval=timedelta(minutes=minutes))
        return task

    return register


def jobs() -> dict[str, Job]:
    autodiscover_modules("tasks")
    return dict(_jobs)


def enqueue_due_jobs(now=None) -> list[str]:
    """Enqueue every job that is due; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for name, job in sorted(jobs().items()):
        row = ScheduledJob.objects.filter(name=name).first()
        if row is None:
            try:
                row = ScheduledJob.objects.create(name=name, next_run_at=now)
            except IntegrityError:
                row = ScheduledJob.objects.get(name=name)
        if row.next_run_at > now:
            continue
        claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=now + job.interval, last_run_at=now
        )
        if claimed:
            job.task.enqueue()
            enqueued.append(name)
    return enqueued
