"""Periodic jobs. Apps register tasks with @every(minutes=…) in their tasks.py; the scheduler
(`manage.py scheduler`, started by the demo runner beside the worker, or run from cron with --once)
enqueues each task when it is due, and the worker runs it like any other task."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import IntegrityError
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

from roundtable.core.models import ScheduledJob


@dataclass(frozen=True)
class Job:
    name: str
    task: Task[Any, Any]
    interval: timedelta


_jobs: dict[str, Job] = {}

TaskT = TypeVar("TaskT", bound=Task[Any, Any])


def every(*, minutes: int) -> Callable[[TaskT], TaskT]:
    def register(task: TaskT) -> TaskT:
        name = task.module_path
        _jobs[name] = Job(name=name, task=task, interval=timedelta(minutes=minutes))
        return task

    return register


def jobs() -> dict[str, Job]:
    autodiscover_modules("tasks")
    return dict(_jobs)


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due; returns the names enqueued."""
    now = now or timezone.now()
    enqueued: list[str] = []
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
