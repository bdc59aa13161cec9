"""Every change to a booking goes through here, inside a transaction that locks the session.

The place a person gets is decided while the session row is locked (PostgreSQL: SELECT … FOR
UPDATE; SQLite: the IMMEDIATE transaction holds the database's write lock), so two processes
can never both take the last place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from roundtable.bookings.models import AccessNeed, AccessNeeds, Booking, ManageLink, ReservedPlaces
from roundtable.cocreation.models import Session
from roundtable.core import audit
from roundtable.core.email import queue_email
from roundtable.core.writer_turn import write_transaction
from roundtable.people.models import ConsentRecord
from roundtable.people.services import (
    HEALTH_DATA_WORDING,
    PersonDetails,
    consent_record,
    person_fill_blanks,
    person_find_or_add,
    person_upsert,
)

if TYPE_CHECKING:
    from roundtable.accounts.models import User


class BookingError(Exception):
    """A sign-up that cannot be taken; `message` is written for the person signing up."""

    code = "booking_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SignupClosed(BookingError):
    code = "signup_closed"

    def __init__(self, message: str, state: str = ""):
        super().__init__(message)
        self.state = state


@dataclass
class AccessNeedsAnswer:
    needs: list[str] = field(default_factory=list)
    details: str = ""
    prefer_not_to_say: bool = False
    consent: bool = False
    keep_on_file: bool = False

    @property
    def has_content(self) -> bool:
        return bool(self.needs or self.details.strip() or self.prefer_not_to_say)


@dataclass
class SignupResult:
    booking: Booking
    created: bool
    waiting_list_position: int | None


CLOSED_MESSAGES = {
    "cancelled": "This session has been cancelled, so it is not taking sign-ups.",
    "draft": "This session is not open for sign-up.",
    "past": "This session has already happened.",
    "not_yet_open": "Sign-up for this session has not opened yet.",
    "closed": "Sign-up for this session has closed.",
}


def _lock_session(session_id: int) -> Session:
    # Raw SQL: select_for_update().get() compiles the same statement again on every call, which
    # cost more than running it (bench/README.md). SQLite has no FOR UPDATE; its IMMEDIATE
    # transaction already holds the only write lock.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table, pk = Session._meta.db_table, Session._meta.pk.column
    found = list(Session.objects.raw(f"SELECT * FROM {table} WHERE {pk} = %s{lock}", [session_id]))  # noqa: S608
    if not found:
        raise BookingError("We could not find that session.")
    return found[0]


def _places_taken(session: Session) -> int:
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
        free=session.capacity - _places_taken(session),
        held={pool: max(pool.places - used.get(pool.pk, 0), 0) for pool in pools},
    )


@dataclass
class _Counts:
    taken: int
    waiting: int
    last_waitlisted_at: datetime | None
    active_pools: int


def _counts_under_lock(session: Session, now: datetime) -> _Counts:
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
    return _Counts(taken or 0, waiting_count or 0, last_waitlisted_at, active_pools or 0)


def _returning_people(session: Session, person_ids: list[int]) -> set[int]:
    """Of these people, those who have come to an earlier session (everyone else is a newcomer)."""
    return set(
        Booking.objects.filter(person_id__in=person_ids, status=Booking.Status.ATTENDED)
        .exclude(session=session)
        .values_list("person_id", flat=True)
    )


def _save_access_needs(booking: Booking, answer: AccessNeedsAnswer, *, source: str) -> None:
    valid = {choice for choice, _ in AccessNeed.choices}
    needs = [n for n in dict.fromkeys(answer.needs) if n in valid]
    consent_record(
        person=booking.person,
        kind=ConsentRecord.Kind.HEALTH_DATA,
        given=answer.consent,
        wording=HEALTH_DATA_WORDING,
        source=source,
    )
    if not answer.consent:
        # Without consent nothing about health is kept, not even an old answer.
        AccessNeeds.objects.filter(booking=booking).delete()
        return
    AccessNeeds.objects.update_or_create(
        booking=booking,
        defaults={
            "needs": [] if answer.prefer_not_to_say else needs,
            "details": "" if answer.prefer_not_to_say else answer.details.strip(),
            "prefer_not_to_say": answer.prefer_not_to_say,
            "keep_on_file": answer.keep_on_file,
            "consent_given_at": timezone.now(),
        },
    )


@write_transaction()
def booking_create(
    *,
    session_id: int,
    name: str,
    email: str,
    phone: str = "",
    pronouns: str = "",
    interests: str = "",
    perspectives: list[str] | None = None,
    access_needs: AccessNeedsAnswer | None = None,
    dietary_needs: str = "",
    heard_about: str = "",
    wants_updates: bool = False,
    source: str = Booking.Source.WEB,
    taken_by: User | None = None,
) -> SignupResult:
    """Sign a person up: a place if one is free, otherwise the end of the waiting list.

    Signing up again with the same email gives back the booking already held (and re-sends its
    confirmation) instead of creating another one.
    """
    # Who is signing up is found, or added, before the session is locked: on PostgreSQL that keeps
    # the lock (which every sign-up for this session queues on) short; on SQLite the transaction
    # holds the write lock from its start anyway. A refused sign-up rolls all of it back.
    details: PersonDetails = {
        "name": name,
        "phone": phone,
        "pronouns": pronouns,
        "interests": interests,
        "perspectives": perspectives,
    }
    person, added = person_find_or_add(email=email, **details)

    session = _lock_session(session_id)
    state = session.signup_state()
    if state != "open" and not (taken_by is not None and state in ("open", "not_yet_open", "closed")):
        raise SignupClosed(CLOSED_MESSAGES.get(state, "This session is not taking sign-ups."), state)

    booking = None
    if not added:
        # A repeat sign-up changes nothing: look for it before touching the person's details.
        booking = Booking.objects.filter(session=session, person=person).first()
        if booking is not None and booking.status != Booking.Status.CANCELLED:
            queue_email(
                to=person.email, template="booking_confirmation", context={"booking_id": booking.pk, "again": True},
                session_id=session.pk, booking_id=booking.pk,
            )  # fmt: skip
            return SignupResult(booking=booking, created=False, waiting_list_position=booking.waiting_list_position())
        person_fill_blanks(person, **details)
    if wants_updates and not person.wants_updates:
        # Opting in only: a form can never quietly opt someone out.
        person.wants_updates = True
        person.save(update_fields=["wants_updates", "updated_at"])

    now = timezone.now()
    counts = _counts_under_lock(session, now)
    if counts.active_pools:
        places = places_now(session)
        is_newcomer = not _returning_people(session, [person.pk]) if places.held else True
        has_place, pool = places.place_for(perspectives=person.perspectives, is_newcomer=is_newcomer)
    else:
        has_place, pool = session.capacity - counts.taken > 0, None
    # The newest on the waiting list goes last even if another server's clock ran ahead.
    waitlisted_at = max(now, counts.last_waitlisted_at) if counts.last_waitlisted_at else now
    values = {
        "status": Booking.Status.CONFIRMED if has_place else Booking.Status.WAITLISTED,
        "reserved_place": pool,
        "waitlisted_at": None if has_place else waitlisted_at,
        "promoted_at": None,
        "cancelled_at": None,
        "dietary_needs": dietary_needs.strip(),
        "heard_about": heard_about.strip(),
        "source": source,
        "taken_by": taken_by,
    }
    if booking is None:
        booking = Booking.objects.create(session=session, person=person, **values)
    else:  # signing up again after cancelling reuses the one booking row
        for key, value in values.items():
            setattr(booking, key, value)
        booking.save()
    if access_needs is not None and (access_needs.has_content or access_needs.consent):
        _save_access_needs(booking, access_needs, source=source)

    audit.log(
        taken_by, "booking.created", booking, actor_label="" if taken_by else "participant", status=booking.status
    )
    queue_email(
        to=person.email,
        template="booking_confirmation",
        context={"booking_id": booking.pk},
        session_id=session.pk,
        booking_id=booking.pk,
    )
    # Everyone already waiting is ahead (the session is locked, and this one went in last).
    position = None if has_place else counts.waiting + 1
    return SignupResult(booking=booking, created=True, waiting_list_position=position)


def _promote_waiting(session: Session, actor: User | None = None) -> list[Booking]:
    """Fill free places from the waiting list, oldest first, respecting balanced places: someone
    who cannot take a held place is passed over only while no open place is free. Call with the
    session locked."""
    places = places_now(session)
    if places.free <= 0:
        return []
    waiting = list(Booking.objects.filter(session=session).waiting().select_related("person"))
    returning = _returning_people(session, [b.person_id for b in waiting]) if places.held else set()
    promoted: list[Booking] = []
    now = timezone.now()
    for booking in waiting:
        if places.free <= 0:
            break
        ok, pool = places.place_for(
            perspectives=booking.person.perspectives, is_newcomer=booking.person_id not in returning
        )
        if not ok:
            continue
        places.take(pool)
        booking.status = Booking.Status.CONFIRMED
        booking.promoted_at = now
        booking.reserved_place = pool
        booking.save(update_fields=["status", "promoted_at", "reserved_place", "updated_at"])
        promoted.append(booking)
        audit.log(actor, "booking.promoted", booking, actor_label="" if actor else "automatic")
        queue_email(
            to=booking.person.email,
            template="booking_promoted",
            context={"booking_id": booking.pk},
            session_id=session.pk,
            booking_id=booking.pk,
        )
    return promoted


@transaction.atomic
def promote_waiting_list(*, session_id: int, actor: User | None = None) -> list[Booking]:
    """Give free places to the waiting list now (e.g. when held places are released)."""
    session = _lock_session(session_id)
    if session.signup_state() in ("cancelled", "past", "draft"):
        return []
    return _promote_waiting(session, actor=actor)


@transaction.atomic
def booking_cancel(
    *, booking_id: int, actor: User | str | None = None, reason: str = ""
) -> tuple[Booking, list[Booking]]:
    """Cancel a booking, revoke its private links, and give its place to the waiting list. The
    actor is None when the participant cancels, a label when a command does (see audit.log)."""
    current = Booking.objects.only("session_id").get(pk=booking_id)
    session = _lock_session(current.session_id)
    booking = Booking.objects.select_related("person").get(pk=booking_id)
    if booking.status == Booking.Status.CANCELLED:
        return booking, []
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.waitlisted_at = None
    booking.save(update_fields=["status", "cancelled_at", "waitlisted_at", "updated_at"])
    ManageLink.revoke_all(booking)
    AccessNeeds.objects.filter(booking=booking, keep_on_file=False).delete()
    audit.log(actor, "booking.cancelled", booking, actor_label="" if actor else "participant", reason=reason)
    queue_email(
        to=booking.person.email,
        template="booking_cancelled",
        context={"booking_id": booking.pk, "by_team": actor is not None, "reason": reason},
        session_id=session.pk,
        booking_id=booking.pk,
    )
    promoted = _promote_waiting(session, actor=None)
    return booking, promoted


@transaction.atomic
def access_needs_update(*, booking: Booking, answer: AccessNeedsAnswer, source: str = Booking.Source.WEB) -> None:
    """A participant changes what they told us (from their private link)."""
    _save_access_needs(booking, answer, source=source)
    audit.log(None, "access_needs.updated", booking, actor_label="participant")


class BookingStateError(BookingError):
    code = "booking_state"


def _lock_booking(booking_id: int) -> tuple[Session, Booking]:
    current = Booking.objects.only("session_id").get(pk=booking_id)
    session = _lock_session(current.session_id)
    return session, Booking.objects.select_related("person").get(pk=booking_id)


@transaction.atomic
def booking_mark_attendance(*, booking_id: int, attended: bool | None, actor: User) -> Booking:
    """Check-in: attended=True marks attended, False marks no-show, None undoes (back to confirmed)."""
    session, booking = _lock_booking(booking_id)
    if booking.status in (Booking.Status.CANCELLED, Booking.Status.WAITLISTED):
        raise BookingStateError(f"{booking.person.name} does not have a place, so cannot be checked in.")
    new = {True: Booking.Status.ATTENDED, False: Booking.Status.NO_SHOW, None: Booking.Status.CONFIRMED}[attended]
    if booking.status != new:
        booking.status = new
        booking.save(update_fields=["status", "updated_at"])
        audit.log(actor, f"booking.{new}", booking)
    return booking


@transaction.atomic
def booking_move_to_waiting_list(*, booking_id: int, actor: User) -> tuple[Booking, list[Booking]]:
    """Give up a confirmed place: the person goes to the end of the waiting list and the place is
    offered, in order, to those already waiting."""
    session, booking = _lock_booking(booking_id)
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingStateError("Only someone with a confirmed place can be moved to the waiting list.")
    others_promoted = _promote_after_freeing(session, booking, actor)
    return booking, others_promoted


def _promote_after_freeing(session: Session, booking: Booking, actor: User) -> list[Booking]:
    # Promote the people already waiting before this person joins the list, so they are not handed
    # straight back the place they just left.
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status"])
    promoted = _promote_waiting(session, actor=actor)
    booking.status = Booking.Status.WAITLISTED
    booking.waitlisted_at = timezone.now()
    booking.reserved_place = None
    booking.save(update_fields=["status", "waitlisted_at", "reserved_place", "updated_at"])
    audit.log(actor, "booking.moved_to_waiting_list", booking)
    queue_email(
        to=booking.person.email,
        template="booking_moved_to_waiting_list",
        context={"booking_id": booking.pk},
        session_id=session.pk,
        booking_id=booking.pk,
    )
    return promoted


@transaction.atomic
def booking_promote(*, booking_id: int, actor: User) -> Booking:
    """Promote one person from the waiting list by hand, if a place is free. A coordinator may use a
    place held for balanced places; they may never go over capacity."""
    session, booking = _lock_booking(booking_id)
    if session.signup_state() in ("cancelled", "past"):
        raise BookingStateError("This session is cancelled or over, so nobody can be given a place.")
    if booking.status != Booking.Status.WAITLISTED:
        raise BookingStateError(f"{booking.person.name} is not on the waiting list.")
    if _places_taken(session) >= session.capacity:
        raise BookingStateError(
            "There is no free place. Cancel a booking, move someone to the waiting list, "
            "or raise the number of places first."
        )
    booking.status = Booking.Status.CONFIRMED
    booking.promoted_at = timezone.now()
    booking.save(update_fields=["status", "promoted_at", "updated_at"])
    audit.log(actor, "booking.promoted", booking, by_hand=True)
    queue_email(
        to=booking.person.email,
        template="booking_promoted",
        context={"booking_id": booking.pk},
        session_id=session.pk,
        booking_id=booking.pk,
    )
    return booking


@transaction.atomic
def booking_walk_in(
    *, session_id: int, name: str, email: str = "", pronouns: str = "", phone: str = "", actor: User
) -> Booking:
    """Someone who turns up on the day: add them as attended, even if the list was full (they are
    in the room). Without an email they get a placeholder address that is never mailed."""
    session = _lock_session(session_id)
    address = email.strip() or f"walk-in-{timezone.now():%Y%m%d%H%M%S%f}@walk-in.invalid"
    person = person_upsert(email=address, name=name, pronouns=pronouns, phone=phone)
    booking, _ = Booking.objects.update_or_create(
        session=session,
        person=person,
        defaults={
            "status": Booking.Status.ATTENDED,
            "waitlisted_at": None,
            "source": Booking.Source.COORDINATOR,
            "taken_by": actor,
        },
    )
    audit.log(actor, "booking.walk_in", booking)
    return booking
