"""Writes to sessions. Each function is keyword-only, atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.cocreation.models import AgendaItem, Programme, Session, Venue
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


# --- Agenda, editing, publishing and the venue library (the coordinator area) -----------------


@dataclass(frozen=True)
class AgendaEntry:
    starts_at: time
    title: str
    is_break: bool = False


def _agenda_replace(session: Session, items: Iterable[AgendaEntry]) -> None:
    """Replace the agenda. Descriptions (not edited in the coordinator form) survive when an item
    keeps its time and title."""
    kept = {(a.starts_at, a.title): a.description for a in AgendaItem.objects.filter(session=session)}
    AgendaItem.objects.filter(session=session).delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(
            session=session,
            starts_at=item.starts_at,
            title=item.title,
            is_break=item.is_break,
            description=kept.get((item.starts_at, item.title), ""),
        )
        for item in items
    )


@transaction.atomic
def session_create_with_agenda(*, agenda: Iterable[AgendaEntry], **fields) -> Session:
    """session_create, plus the agenda, in one transaction (the coordinator's form)."""
    session = session_create(**fields)
    _agenda_replace(session, agenda)
    return session


# Fields a coordinator may change after creation, and the word a change notice uses for them.
EDITABLE_FIELDS = (
    "title", "summary", "goals", "who_comes", "programme", "venue",
    "starts_at", "ends_at", "capacity", "signup_opens_at", "signup_closes_at",
)  # fmt: skip
NOTIFY_WHEN_CHANGED = {"starts_at": "time", "ends_at": "time", "venue": "venue"}


@transaction.atomic
def session_update(
    *,
    session: Session,
    actor,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    venue: Venue,
    summary: str = "",
    goals: Iterable[str] | str = (),
    who_comes: str = "",
    programme: Programme | None = None,
    signup_opens_at: datetime | None = None,
    signup_closes_at: datetime | None = None,
    agenda: Iterable[AgendaEntry] | None = None,
) -> list[str]:
    """Change a session's details; returns the names of the fields that changed.

    More places fill from the waiting list at once; fewer than are already taken is refused.
    People booked on a published session are told when its time or venue changes.
    """
    from roundtable.bookings.models import Booking
    from roundtable.bookings.notifications import notify_session_changed
    from roundtable.bookings.services import _promote_waiting

    # Lock first, so the place count below cannot change under us (same lock as sign-ups).
    locked = Session.objects.select_for_update().get(pk=session.pk)
    errors = _session_errors(
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        signup_opens_at=signup_opens_at,
        signup_closes_at=signup_closes_at,
    )
    title = title.strip()
    if not title:
        errors["title"] = "Enter a title"
    taken = Booking.objects.filter(session=locked, status__in=Booking.HOLDING_PLACE).count()
    if "capacity" not in errors and capacity < taken:
        errors["capacity"] = (
            f"{taken} people already have a place, so there must be at least {taken} places. "
            "Cancel bookings first if you need fewer."
        )
    if errors:
        raise ValidationError(errors)

    new = {
        "title": title,
        "summary": summary.strip(),
        "goals": _goals_text(goals),
        "who_comes": who_comes.strip() or locked.who_comes,
        "programme": programme,
        "venue": venue,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": capacity,
        "signup_opens_at": signup_opens_at,
        "signup_closes_at": signup_closes_at,
    }
    changed = [name for name in EDITABLE_FIELDS if getattr(locked, name) != new[name]]
    for name in changed:
        setattr(locked, name, new[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if agenda is not None:
        before = list(AgendaItem.objects.filter(session=locked).values_list("starts_at", "title", "is_break"))
        _agenda_replace(locked, agenda)
        after = list(AgendaItem.objects.filter(session=locked).values_list("starts_at", "title", "is_break"))
        if before != after:
            changed.append("agenda")
    if not changed:
        return []

    audit.log(actor, "session.updated", locked, changed=changed)
    if "capacity" in changed and locked.status == Session.Status.PUBLISHED:
        _promote_waiting(locked, actor=None)
    notices = sorted({NOTIFY_WHEN_CHANGED[name] for name in changed if name in NOTIFY_WHEN_CHANGED})
    if notices and locked.status == Session.Status.PUBLISHED and locked.ends_at > timezone.now():
        notify_session_changed(session=locked, changes=notices, actor=actor)
    # Keep the caller's object in step with what was saved.
    for name in EDITABLE_FIELDS:
        setattr(session, name, getattr(locked, name))
    session.sequence = locked.sequence
    return changed


@transaction.atomic
def session_publish(*, session: Session, actor) -> Session:
    """Put a draft on the public list, open for sign-up (within its sign-up window)."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status == Session.Status.PUBLISHED:
        return locked
    if locked.status == Session.Status.CANCELLED:
        raise ValidationError("This session has been cancelled, so it cannot be published.")
    if locked.ends_at <= timezone.now():
        raise ValidationError("This session has already happened, so it cannot be published.")
    locked.status = Session.Status.PUBLISHED
    locked.save(update_fields=["status", "updated_at"])
    audit.log(actor, "session.published", locked)
    return locked


@transaction.atomic
def session_unpublish(*, session: Session, actor) -> Session:
    """Take a published session back to draft. Refused once anyone has booked: they would be
    left holding a place on a session nobody can see, so the session must be cancelled instead."""
    from roundtable.bookings.models import Booking

    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status == Session.Status.DRAFT:
        return locked
    if locked.status != Session.Status.PUBLISHED:
        raise ValidationError("Only a published session can be taken back to draft.")
    booked = Booking.objects.filter(session=locked).active().count()
    if booked:
        raise ValidationError(
            f"{booked} {'person has' if booked == 1 else 'people have'} booked or are waiting, so this "
            "session cannot go back to draft without telling them. Cancel the session instead."
        )
    locked.status = Session.Status.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    audit.log(actor, "session.unpublished", locked)
    return locked


VENUE_FIELDS = (
    "name", "address", "postcode",
    "step_free", "step_free_note", "accessible_toilet", "accessible_toilet_note", "hearing_loop",
    "quiet_space", "quiet_space_note", "seating", "lighting", "nearest_station", "nearest_bus",
    "parking", "food_and_drink", "other_notes", "last_checked",
)  # fmt: skip


def _venue_values(fields: dict) -> dict:
    unknown = set(fields) - set(VENUE_FIELDS)
    if unknown:
        raise TypeError(f"Not venue fields: {', '.join(sorted(unknown))}")
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def venue_create(*, actor, **fields) -> Venue:
    """Add a venue to the library. `fields` are Venue's own (see VENUE_FIELDS)."""
    venue = Venue(**_venue_values(fields))
    venue.full_clean()
    venue.save()
    audit.log(actor, "venue.created", venue)
    return venue


@transaction.atomic
def venue_update(*, venue: Venue, actor, **fields) -> list[str]:
    """Change a venue's facts; returns the names of the fields that changed."""
    values = _venue_values(fields)
    changed = [name for name, value in values.items() if getattr(venue, name) != value]
    for name in changed:
        setattr(venue, name, values[name])
    venue.full_clean()
    if changed:
        venue.save(update_fields=changed)
        audit.log(actor, "venue.updated", venue, changed=changed)
    return changed
