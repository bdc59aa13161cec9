"""Writes to sessions. Each function is keyword-only, atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from roundtable.cocreation.models import Programme, Session, Venue
from roundtable.core import audit

# --- Creating a session (used by the API; the coordinator area may call it too) ---------------

MAX_CAPACITY = 10_000


def _goals_text(goals: Iterable[str] | str) -> str:
    """Goals are stored one per line; a goal given with line breaks inside stays one goal."""
    if isinstance(goals, str):
        return goals.strip()
    return "\n".join(" ".join(goal.split()) for goal in goals if goal and goal.strip())


def _session_errors(
    *,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    signup_opens_at: datetime | None,
    signup_closes_at: datetime | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in (
        ("starts_at", starts_at),
        ("ends_at", ends_at),
        ("signup_opens_at", signup_opens_at),
        ("signup_closes_at", signup_closes_at),
    ):
        # A naive time would be read in whatever zone the server runs in; callers decide the zone.
        if value is not None and value.tzinfo is None:
            errors[name] = "Give the time with its time zone"
    if errors:
        return errors
    if ends_at <= starts_at:
        errors["ends_at"] = "The end must be after the start"
    if not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = f"The number of places must be between 1 and {MAX_CAPACITY:,}"
    if signup_opens_at and signup_opens_at >= starts_at:
        errors["signup_opens_at"] = "Sign-up must open before the session starts"
    if signup_opens_at and signup_closes_at and signup_closes_at <= signup_opens_at:
        errors["signup_closes_at"] = "Sign-up must close after it opens"
    return errors


@transaction.atomic
def session_create(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    venue: Venue,
    created_by,
    publish: bool = True,
    summary: str = "",
    goals: Iterable[str] | str = (),
    programme: Programme | None = None,
    signup_opens_at: datetime | None = None,
    signup_closes_at: datetime | None = None,
    who_comes: str | None = None,
) -> Session:
    """Create a session (published unless `publish=False`).

    Raises django.core.exceptions.ValidationError with a message per field when the times or
    the number of places do not make sense, before anything is written.
    """
    title = title.strip()
    errors = _session_errors(
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        signup_opens_at=signup_opens_at,
        signup_closes_at=signup_closes_at,
    )
    if not title:
        errors["title"] = "Enter a title"
    if errors:
        raise ValidationError(errors)
    extra = {"who_comes": who_comes.strip()} if who_comes and who_comes.strip() else {}
    session = Session.objects.create(
        title=title,
        summary=summary.strip(),
        goals=_goals_text(goals),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        venue=venue,
        programme=programme,
        signup_opens_at=signup_opens_at,
        signup_closes_at=signup_closes_at,
        status=Session.Status.PUBLISHED if publish else Session.Status.DRAFT,
        created_by=created_by,
        **extra,
    )
    audit.log(created_by, "session.created", session, published=publish)
    return session
