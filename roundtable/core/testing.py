"""Factories and personas shared by every app's tests (one small module, as the house style asks)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.management import call_command
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.cocreation.models import AgendaItem, Programme, Session, Venue

if TYPE_CHECKING:
    from roundtable.bookings.services import SignupResult

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_coordinator(email: str = "coordinator@example.org", **extra: Any) -> User:
    extra.setdefault("name", "Sam Coordinator")
    return User.objects.create_user(email=email, password=PASSWORD, role=User.Role.COORDINATOR, **extra)


def make_facilitator(email: str = "facilitator@example.org", **extra: Any) -> User:
    extra.setdefault("name", "Alex Facilitator")
    return User.objects.create_user(email=email, password=PASSWORD, role=User.Role.FACILITATOR, **extra)


def make_programme(**extra: Any) -> Programme:
    n = next(_counter)
    extra.setdefault("name", f"Building the Centre together {n}")
    extra.setdefault("slug", f"building-{n}")
    return Programme.objects.create(**extra)


def make_venue(**extra: Any) -> Venue:
    extra.setdefault("name", "Community Hall")
    extra.setdefault("address", "1 Example Street\nLondon")
    extra.setdefault("postcode", "N1C 4AA")
    extra.setdefault("step_free", "yes")
    extra.setdefault("accessible_toilet", "yes")
    extra.setdefault("hearing_loop", "yes")
    extra.setdefault("quiet_space", "partly")
    extra.setdefault("nearest_station", "King's Cross St Pancras, 5 minutes on level ground")
    return Venue.objects.create(**extra)


def make_session(*, capacity: int = 30, days_ahead: int = 14, venue: Venue | None = None, **extra: Any) -> Session:
    start = extra.pop("starts_at", None) or (timezone.now() + timedelta(days=days_ahead)).replace(
        hour=13, minute=30, second=0, microsecond=0
    )
    extra.setdefault("title", "Co-creation session")
    extra.setdefault("summary", "We plan the Centre's next steps together.")
    extra.setdefault("goals", "Think about the big picture\nAgree what evidence to collect")
    extra.setdefault("status", Session.Status.PUBLISHED)
    session = Session.objects.create(
        starts_at=start,
        ends_at=extra.pop("ends_at", None) or start + timedelta(hours=3),
        venue=venue or make_venue(),
        capacity=capacity,
        **extra,
    )
    return session


def add_agenda(session: Session) -> None:
    from datetime import time

    AgendaItem.objects.create(session=session, starts_at=time(13, 30), title="Welcome and the story so far")
    AgendaItem.objects.create(session=session, starts_at=time(14, 15), title="Working together creatively")
    AgendaItem.objects.create(session=session, starts_at=time(15, 0), title="Break: a brew and a snack", is_break=True)
    AgendaItem.objects.create(session=session, starts_at=time(15, 20), title="What we decided")


def signup(session: Session, n: int | None = None, **fields: Any) -> SignupResult:
    from roundtable.bookings.services import booking_create

    n = n if n is not None else next(_counter)
    fields.setdefault("name", f"Person {n}")
    fields.setdefault("email", f"person{n}@example.org")
    return booking_create(session_id=session.pk, **fields)


def run_tasks() -> None:
    """Run the background worker until the task queue is empty, then the mailer until nothing in
    the outbox is due, as the real processes would."""
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    call_command("mailer", "--once", verbosity=0)
