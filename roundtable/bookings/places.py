"""How places are decided: the session's lock, the counts taken under it, and balanced places
(pools held back for newcomers or chosen perspectives). Used by sign-ups (services.py) and the
waiting list (waiting_list.py); nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from roundtable.bookings.errors import BookingError
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import ReservedPlaces, Session


def lock_session(session_id: int) -> Session:
    try:
        return Session.objects.locked(session_id)
    except Session.DoesNotExist:
        raise BookingError("We could not find that session.") from None


def places_taken(session: Session) -> int:
    return Booking.objects.filter(session=session, status__in=Booking.HOLDING_PLACE).count()


@dataclass
class _Places:
    """Free places right now, and how many of them are still held back in each balanced-places pool."""

    free: int
    held: dict[ReservedPlaces, int]

    def place_for(self, *, perspectives: list[str], is_newcomer: bool) -> tuple[bool, ReservedPlaces | None]:
        if self.free <= 0:
            return False, None
        # An eligible person takes a held place first, which leaves the open places for everyone else.
        for pool, remaining in self.held.items():
            if remaining > 0 and pool.admits(perspectives=perspectives, is_newcomer=is_newcomer):
                return True, pool
        if self.free - sum(self.held.values()) > 0:
            return True, None
        return False, None

    def take(self, pool: ReservedPlaces | None) -> None:
        self.free -= 1
        if pool is not None:
            self.held[pool] -= 1


def active_pools(session: Session) -> list[ReservedPlaces]:
    """The session's balanced-places pools still holding places right now, oldest first."""
    now = timezone.now()
    return [p for p in ReservedPlaces.objects.filter(session=session) if p.is_active(now)]


def places_now(session: Session, pools: list[ReservedPlaces] | None = None) -> _Places:
    """Free places and what is still held back in each active pool. Under the session's lock it
    decides places; without it, it explains them on pages. A caller that has just read the active
    pools passes them in."""
    if pools is None:
        pools = active_pools(session)
    used: dict[int, int] = {}
    if pools:
        for pool_id in Booking.objects.filter(
            session=session, status__in=Booking.HOLDING_PLACE, reserved_place__in=pools
        ).values_list("reserved_place_id", flat=True):
            used[pool_id] = used.get(pool_id, 0) + 1
    return _Places(
        free=session.capacity - places_taken(session),
        held={pool: max(pool.places - used.get(pool.pk, 0), 0) for pool in pools},
    )


@dataclass
class Counts:
    taken: int
    waiting: int
    last_waitlisted_at: datetime | None
    active_pools: int


def counts_under_lock(session: Session, now: datetime) -> Counts:
    """Places taken, the waiting list's length and latest entry, and how many balanced-places pools
    are still holding places, in one statement. Call with the session locked, and only after
    locking: on PostgreSQL a statement sees the data as it was when the statement began, so these
    counts must not ride on the locking SELECT itself.

    Raw SQL because it runs in every sign-up while the session is locked, and building the
    equivalent ORM query cost more than running it; only table names are spliced in."""
    bookings, pools = Booking._meta.db_table, ReservedPlaces._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    sql = f"""
        SELECT COUNT(CASE WHEN b.status IN (%s, %s, %s) THEN 1 END),
               COUNT(CASE WHEN b.status = %s THEN 1 END),
               MAX(CASE WHEN b.status = %s THEN b.waitlisted_at END),
               (SELECT COUNT(*) FROM {pools} r WHERE r.session_id = %s AND r.release_at > %s)
        FROM {bookings} b WHERE b.session_id = %s
    """  # noqa: S608
    waiting = Booking.Status.WAITLISTED
    with connection.cursor() as cursor:
        cursor.execute(sql, [*Booking.HOLDING_PLACE, waiting, waiting, session.pk, adapt(now), session.pk])
        taken, waiting_count, last_waitlisted_at, active_pools = cursor.fetchone()
    if isinstance(last_waitlisted_at, str):  # SQLite hands back the stored text (UTC)
        parsed = parse_datetime(last_waitlisted_at)
        last_waitlisted_at = parsed.replace(tzinfo=UTC) if parsed is not None else None
    return Counts(taken or 0, waiting_count or 0, last_waitlisted_at, active_pools or 0)


def returning_people(session: Session, person_ids: list[int]) -> set[int]:
    """Of these people, those who have come to an earlier session (everyone else is a newcomer)."""
    return set(
        Booking.objects.filter(person_id__in=person_ids, status=Booking.Status.ATTENDED)
        .exclude(session=session)
        .values_list("person_id", flat=True)
    )


def lock_booking(booking_id: int) -> tuple[Session, Booking]:
    current = Booking.objects.only("session_id").get(pk=booking_id)
    session = lock_session(current.session_id)
    return session, Booking.objects.select_related("person").get(pk=booking_id)
