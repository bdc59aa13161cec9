"""Writes to sessions. Each function is keyword-only, atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.cocreation.models import TAKING_A_PLACE, AgendaItem, Programme, ReservedPlaces, Session, Venue
from roundtable.core import audit

if TYPE_CHECKING:
    from roundtable.accounts.models import User

# --- Creating a session (used by the API; the coordinator area may call it too) ---------------

MAX_CAPACITY = 10_000
MAX_REMINDER_DAYS = 60


def _reminder_days(days: Iterable[int]) -> list[int]:
    """Days before the session to remind people, largest first; empty means the default (7 and 1)."""
    return sorted({int(d) for d in days if 0 <= int(d) <= MAX_REMINDER_DAYS}, reverse=True)


def shift_days(moment: datetime, days: int, *, strict: bool = False) -> datetime:
    """The same Europe/London wall-clock time `days` later (or earlier), so a move across the
    clock change keeps 13:30 at 13:30. `strict` refuses a time the clocks skip that day."""
    zone = timezone.get_default_timezone()
    naive = timezone.localtime(moment, zone).replace(tzinfo=None) + timedelta(days=days)
    aware = timezone.make_aware(naive, zone)
    # Through UTC: converting to the zone the datetime already has would change nothing.
    if strict and aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(f"{naive:%H:%M} does not exist on {naive:%-d %B %Y} because the clocks go forward")
    return aware


# --- Balanced places: places held back for newcomers or chosen perspectives -------------------

HELD_PERSPECTIVES = ("lived_experience", "carer", "researcher", "student", "community_member", "other")


@dataclass(frozen=True)
class HeldPlaces:
    """One group of held places as the coordinator describes it. `id` names an existing group
    (so bookings that took a place from it stay linked to it) or is None for a new one."""

    places: int
    release_days_before: int
    for_newcomers: bool = False
    perspectives: tuple[str, ...] = ()
    id: int | None = None

    def release_at(self, starts_at: datetime) -> datetime:
        return shift_days(starts_at, -self.release_days_before)


def _held_places_errors(groups: list[HeldPlaces], *, capacity: int) -> dict[str, str]:
    for group in groups:
        if group.places < 1:
            return {"reserved_places": "Each group of held places must hold at least 1 place"}
        if not group.for_newcomers and not set(group.perspectives) & set(HELD_PERSPECTIVES):
            return {"reserved_places": "Choose who each group of held places is for"}
        if not 0 <= group.release_days_before <= 365:
            return {"reserved_places": "Release held places between 0 and 365 days before the session"}
    held = sum(group.places for group in groups)
    if held > capacity:
        return {"reserved_places": f"The held places add up to {held}, more than the {capacity} places on the session"}
    return {}


def _held_places_state(session: Session) -> list[tuple]:
    return [
        (p.pk, p.places, p.for_newcomers, tuple(p.perspectives), p.release_at)
        for p in ReservedPlaces.objects.filter(session=session).order_by("id")
    ]


def _held_places_replace(session: Session, groups: list[HeldPlaces]) -> bool:
    """Make the session's held places match `groups`; returns whether anything changed. Groups
    are updated in place, never deleted and re-made, so a booking keeps the group it came from."""
    before = _held_places_state(session)
    existing = {p.pk: p for p in ReservedPlaces.objects.filter(session=session)}
    kept: set[int] = set()
    for group in groups:
        values = {
            "places": group.places,
            "for_newcomers": group.for_newcomers,
            "perspectives": [p for p in HELD_PERSPECTIVES if p in group.perspectives],
            "release_at": group.release_at(session.starts_at),
        }
        pool = existing.get(group.id) if group.id is not None else None
        if pool is None:
            pool = ReservedPlaces.objects.create(session=session, **values)
        else:
            for name, value in values.items():
                setattr(pool, name, value)
            pool.save()
        kept.add(pool.pk)
    ReservedPlaces.objects.filter(session=session).exclude(pk__in=kept).delete()
    return before != _held_places_state(session)


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
    created_by: User,
    publish: bool = True,
    summary: str = "",
    goals: Iterable[str] | str = (),
    programme: Programme | None = None,
    signup_opens_at: datetime | None = None,
    signup_closes_at: datetime | None = None,
    who_comes: str | None = None,
    reminder_days: Iterable[int] = (),
    reserved_places: Iterable[HeldPlaces] | None = (),
    facilitators: Iterable[User] | None = None,
    share_access_details: bool = False,
) -> Session:
    """Create a session (published unless `publish=False`), with any balanced places.

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
    reserved_places = list(reserved_places or [])
    errors.update(_held_places_errors(reserved_places, capacity=capacity))
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
        reminder_days=_reminder_days(reminder_days),
        share_access_details=share_access_details,
        created_by=created_by,
        **extra,
    )
    if facilitators:
        session.facilitators.set(facilitators)
    _held_places_replace(session, reserved_places)
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
def session_create_with_agenda(*, agenda: Iterable[AgendaEntry], **fields: Any) -> Session:
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
    actor: User,
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
    reminder_days: Iterable[int] | None = None,
    reserved_places: Iterable[HeldPlaces] | None = None,
    facilitators: Iterable[User] | None = None,
    share_access_details: bool | None = None,
) -> list[str]:
    """Change a session's details; returns the names of the fields that changed. `agenda`,
    `reminder_days`, `reserved_places`, `facilitators` and `share_access_details` left as None
    stay as they are.

    Fewer places than are already taken, or than are held back, is refused. What this means for
    the people booked (the waiting list filling more places, notices of a new time or venue) is
    the bookings app's part: `bookings.session_changes.session_update` calls this, then that.
    """
    # Lock first, so the place count below cannot change under us (same lock as sign-ups).
    locked = Session.objects.locked(session.pk)
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
    taken = locked.bookings.filter(status__in=TAKING_A_PLACE).count()
    if "capacity" not in errors and capacity < taken:
        errors["capacity"] = (
            f"{taken} people already have a place, so there must be at least {taken} places. "
            "Cancel bookings first if you need fewer."
        )
    if reserved_places is not None:
        reserved_places = list(reserved_places)
        errors.update(_held_places_errors(reserved_places, capacity=capacity))
    elif "capacity" not in errors:
        held = sum(places for _, places, *_ in _held_places_state(locked))
        if capacity < held:
            errors["capacity"] = f"{held} places are held back, so there must be at least {held} places"
    if errors:
        raise ValidationError(errors)

    new: dict[str, Any] = {
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
    if reminder_days is not None:
        new["reminder_days"] = _reminder_days(reminder_days)
    if share_access_details is not None:
        new["share_access_details"] = share_access_details
    changed = [name for name in new if getattr(locked, name) != new[name]]
    for name in changed:
        setattr(locked, name, new[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if reserved_places is not None and _held_places_replace(locked, reserved_places):
        changed.append("reserved_places")
    if facilitators is not None:
        wanted = {user.pk for user in facilitators}
        if wanted != set(locked.facilitators.values_list("pk", flat=True)):
            locked.facilitators.set(wanted)
            changed.append("facilitators")
    if agenda is not None:
        before = list(AgendaItem.objects.filter(session=locked).values_list("starts_at", "title", "is_break"))
        _agenda_replace(locked, agenda)
        after = list(AgendaItem.objects.filter(session=locked).values_list("starts_at", "title", "is_break"))
        if before != after:
            changed.append("agenda")
    if not changed:
        return []
    if set(changed) & {"reserved_places", "agenda"}:
        # The agenda and held places live in their own tables: move the session's updated_at too,
        # which versions its public page (bookings.selectors.public_session_page_key).
        locked.save(update_fields=["updated_at"])

    audit.log(actor, "session.updated", locked, changed=changed)
    # Keep the caller's object in step with what was saved.
    for name in (*EDITABLE_FIELDS, "reminder_days", "share_access_details"):
        setattr(session, name, getattr(locked, name))
    session.sequence = locked.sequence
    return changed


@transaction.atomic
def session_publish(*, session: Session, actor: User) -> Session:
    """Put a draft on the public list, open for sign-up (within its sign-up window)."""
    locked = Session.objects.locked(session.pk)
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
def session_unpublish(*, session: Session, actor: User) -> Session:
    """Take a published session back to draft. Refused once anyone has booked: they would be
    left holding a place on a session nobody can see, so the session must be cancelled instead."""
    locked = Session.objects.locked(session.pk)
    if locked.status == Session.Status.DRAFT:
        return locked
    if locked.status != Session.Status.PUBLISHED:
        raise ValidationError("Only a published session can be taken back to draft.")
    booked = locked.bookings.exclude(status="cancelled").count()
    if booked:
        raise ValidationError(
            f"{booked} {'person has' if booked == 1 else 'people have'} booked or are waiting, so this "
            "session cannot go back to draft without telling them. Cancel the session instead."
        )
    locked.status = Session.Status.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    audit.log(actor, "session.unpublished", locked)
    return locked


@transaction.atomic
def session_duplicate(*, session: Session, starts_on: date, actor: User, title: str = "") -> Session:
    """Run this again: a draft copy on another day, with the same times, agenda, places, held
    places, facilitators and reminders. The sign-up window and release dates move by the same number of days."""
    days = (starts_on - timezone.localtime(session.starts_at).date()).days
    try:
        starts_at = shift_days(session.starts_at, days, strict=True)
        ends_at = shift_days(session.ends_at, days, strict=True)
    except ValidationError as error:
        raise ValidationError({"starts_on": error.messages}) from None
    if starts_at <= timezone.now():
        raise ValidationError({"starts_on": "The new date must be in the future"})
    copy = Session.objects.create(
        title=(title or session.title).strip(),
        summary=session.summary,
        goals=session.goals,
        who_comes=session.who_comes,
        programme=session.programme,
        venue=session.venue,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=session.capacity,
        signup_opens_at=shift_days(session.signup_opens_at, days) if session.signup_opens_at else None,
        signup_closes_at=shift_days(session.signup_closes_at, days) if session.signup_closes_at else None,
        reminder_days=list(session.reminder_days or []),
        share_access_details=session.share_access_details,
        status=Session.Status.DRAFT,
        created_by=actor,
    )
    copy.facilitators.set(session.facilitators.all())
    AgendaItem.objects.bulk_create(
        AgendaItem(session=copy, starts_at=item.starts_at, title=item.title, description=item.description,
                   is_break=item.is_break)
        for item in AgendaItem.objects.filter(session=session).order_by("starts_at", "id")
    )  # fmt: skip
    ReservedPlaces.objects.bulk_create(
        ReservedPlaces(session=copy, places=pool.places, for_newcomers=pool.for_newcomers,
                       perspectives=list(pool.perspectives), release_at=shift_days(pool.release_at, days))
        for pool in ReservedPlaces.objects.filter(session=session).order_by("id")
    )  # fmt: skip
    audit.log(actor, "session.duplicated", copy, copied_from=session.pk)
    return copy


VENUE_FIELDS = (
    "name", "address", "postcode",
    "step_free", "step_free_note", "accessible_toilet", "accessible_toilet_note", "hearing_loop",
    "quiet_space", "quiet_space_note", "seating", "lighting", "nearest_station", "nearest_bus",
    "parking", "food_and_drink", "other_notes", "last_checked",
)  # fmt: skip


def _venue_values(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(VENUE_FIELDS)
    if unknown:
        raise TypeError(f"Not venue fields: {', '.join(sorted(unknown))}")
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def venue_create(*, actor: User, **fields: Any) -> Venue:
    """Add a venue to the library. `fields` are Venue's own (see VENUE_FIELDS)."""
    venue = Venue(**_venue_values(fields))
    venue.full_clean()
    venue.save()
    audit.log(actor, "venue.created", venue)
    return venue


@transaction.atomic
def venue_update(*, venue: Venue, actor: User, **fields: Any) -> list[str]:
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
