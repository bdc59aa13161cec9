"""Every change to a booking goes through here, inside a transaction that locks the session.

The place a person gets is decided while the session row is locked (PostgreSQL: SELECT … FOR
UPDATE; SQLite: the IMMEDIATE transaction holds the database's write lock), so two processes
can never both take the last place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from roundtable.bookings.errors import BookingStateError, SignupClosed
from roundtable.bookings.models import AccessNeed, AccessNeeds, Booking, DietaryKind, ManageLink, dietary_kinds_in_order
from roundtable.bookings.places import (
    Counts,
    counts_under_lock,
    lock_booking,
    lock_session,
    places_now,
    returning_people,
)
from roundtable.bookings.retention import clear_dietary_needs, delete_access_needs
from roundtable.bookings.signals import attendance_marked, place_given
from roundtable.bookings.waiting_list import promote_waiting
from roundtable.core import audit, mailcap
from roundtable.core.email import queue_email
from roundtable.core.writer_turn import write_transaction
from roundtable.people.models import ConsentRecord
from roundtable.people.services import (
    HEALTH_DATA_WORDING,
    KEEP_ON_FILE_WORDING,
    UPDATES_WORDING,
    PersonDetails,
    consent_record,
    normalise_email,
    person_fill_blanks,
    person_find_or_add,
    person_upsert,
)

if TYPE_CHECKING:
    from roundtable.accounts.models import User
    from roundtable.cocreation.models import ReservedPlaces, Session
    from roundtable.people.models import Person

logger = logging.getLogger(__name__)


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
    """What a sign-up did (`booking`, `created`, the booking's own `waiting_list_position`) and
    what the person who signed up is told on the public form and the API (`told_status`,
    `told_position`).

    For a repeat sign-up (the address already holds a booking for the session) the told answer is
    what a fresh sign-up would be told at this moment, not the booking's own: whoever typed the
    address may not own it, and must learn nothing a fresh sign-up would not tell them. The email
    to the address tells its owner the truth. The team's pages may use the booking's own."""

    booking: Booking
    created: bool
    waiting_list_position: int | None
    told_status: str
    told_position: int | None


# The emails that carry a booking's private link; the cap per address counts them together.
BOOKING_LINK_EMAILS = ("booking_confirmation",)
CLOSED_MESSAGES = {
    "cancelled": "This session has been cancelled, so it is not taking sign-ups.",
    "draft": "This session is not open for sign-up.",
    "past": "This session has already happened.",
    "not_yet_open": "Sign-up for this session has not opened yet.",
    "closed": "Sign-up for this session has closed.",
}


def valid_dietary_kinds(kinds: list[str]) -> list[str]:
    """The kinds once each, in the order of the list; an unknown kind is a mistake by the caller
    (the forms and the API refuse them first)."""
    unknown = set(kinds) - set(DietaryKind.values)
    if unknown:
        raise ValueError(f"Unknown dietary needs: {sorted(unknown)!r}")
    return dietary_kinds_in_order(kinds)


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
    if answer.consent and answer.keep_on_file:
        consent_record(
            person=booking.person,
            kind=ConsentRecord.Kind.KEEP_ON_FILE,
            given=True,
            wording=KEEP_ON_FILE_WORDING,
            source=source,
        )
    if not answer.consent:
        # Without consent nothing about health is kept, not even an old answer (kept on file or not).
        delete_access_needs(bookings=[booking.pk], reason="consent withdrawn", actor=source)
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


def _email_booking(booking: Booking, to: str, **flags: bool) -> None:
    """Queue the booking's confirmation (its details and private link) to `to`. `again`: a repeat
    sign-up; `resent`: "send my link again"."""
    queue_email(
        to=to,
        template="booking_confirmation",
        context={"booking_id": booking.pk, **flags},
        session_id=booking.session_id,
        booking_id=booking.pk,
    )


def _may_email(email: str) -> bool:
    return mailcap.may_send(to=email, templates=BOOKING_LINK_EMAILS, rate=settings.BOOKING_EMAILS_PER_ADDRESS)


def _emailed_recently(booking: Booking, email: str) -> bool:
    seconds = settings.SIGNUP_REPEAT_QUIET_MINUTES * 60
    return seconds > 0 and bool(
        mailcap.sent_recently(to=email, templates=BOOKING_LINK_EMAILS, seconds=seconds, booking_id=booking.pk)
    )


def _connection_failed(exc: OperationalError | InterfaceError) -> bool:
    """Did the connection itself fail (the server closed it or went away), rather than a
    statement being refused (a lock timeout, a deadlock)? Only then was nothing decided, so only
    then is trying again safe and right. Django may already have opened a new connection while
    leaving the transaction, so the error, not the connection, says what happened."""
    if isinstance(exc, InterfaceError):  # used after it was closed
        return True
    if connection.vendor != "postgresql":
        return False  # SQLite's errors are about the file and its lock, never a dropped connection
    # psycopg: no SQLSTATE when the socket closed under it; class 08 (connection exception) and
    # 57P01-57P05 (the server shutting down or terminating this backend) when the server says so.
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(("08", "57P"))


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
    dietary_kinds: list[str] | None = None,
    dietary_needs: str = "",
    heard_about: str = "",
    wants_updates: bool = False,
    source: str = Booking.Source.WEB,
    taken_by: User | None = None,
) -> SignupResult:
    """Sign a person up: a place if one is free, otherwise the end of the waiting list.

    If the database connection drops during the sign-up (PostgreSQL restarted, the connection
    killed), the transaction rolled back, so the sign-up is tried again on a new connection (up to
    SIGNUP_ATTEMPTS in all) rather than answered with an error. If the connection dropped while committing, the first try
    may have been written after all: the second finds that booking and answers with it (see
    `ours_since`), so the answer is still the truth and no second email is queued."""
    details: dict[str, Any] = {
        "session_id": session_id, "name": name, "email": email, "phone": phone, "pronouns": pronouns,
        "interests": interests, "perspectives": perspectives, "access_needs": access_needs,
        "dietary_kinds": dietary_kinds, "dietary_needs": dietary_needs, "heard_about": heard_about,
        "wants_updates": wants_updates,
        "source": source, "taken_by": taken_by,
    }  # fmt: skip
    started = timezone.now()
    for attempt in range(SIGNUP_ATTEMPTS):
        try:
            return _booking_create(**details, ours_since=started if attempt else None)
        except (OperationalError, InterfaceError) as exc:
            if connection.in_atomic_block or not _connection_failed(exc) or attempt == SIGNUP_ATTEMPTS - 1:
                raise  # inside someone else's transaction, the statement failed, or tried enough
            logger.warning("A sign-up lost its database connection; trying it once more on a new one")
            connection.close()
    raise AssertionError("unreachable: the last attempt returns or raises")


# A sign-up whose connection drops is tried again on a new one; a failover can drop the retry too.
SIGNUP_ATTEMPTS = 3


@write_transaction()
def _booking_create(
    *,
    session_id: int,
    name: str,
    email: str,
    phone: str = "",
    pronouns: str = "",
    interests: str = "",
    perspectives: list[str] | None = None,
    access_needs: AccessNeedsAnswer | None = None,
    dietary_kinds: list[str] | None = None,
    dietary_needs: str = "",
    heard_about: str = "",
    wants_updates: bool = False,
    source: str = Booking.Source.WEB,
    taken_by: User | None = None,
    ours_since: datetime | None = None,
) -> SignupResult:
    """Signing up again with the same email creates nothing and changes nothing: it answers as a
    fresh sign-up would now, and emails the booking's details and link to the address (unless it
    was emailed in the last SIGNUP_REPEAT_QUIET_MINUTES, or the address has had its
    BOOKING_EMAILS_PER_ADDRESS)."""
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

    session = lock_session(session_id)
    state = session.signup_state()
    if state != "open" and not (taken_by is not None and state in ("open", "not_yet_open", "closed")):
        raise SignupClosed(CLOSED_MESSAGES.get(state, "This session is not taking sign-ups."), state)

    booking = None
    if not added:
        # A repeat sign-up changes nothing: look for it before touching the person's details.
        booking = Booking.objects.filter(session=session, person=person).first()
        if booking is not None and booking.status != Booking.Status.CANCELLED:
            if ours_since is not None and booking.updated_at >= ours_since:
                # Written by this very sign-up's first try, whose commit went through although the
                # connection dropped before the answer came back: tell the truth, email nothing more.
                position = booking.waiting_list_position()
                return SignupResult(
                    booking=booking,
                    created=True,
                    waiting_list_position=position,
                    told_status=booking.status,
                    told_position=position,
                )
            return _repeat_signup(session, person, booking)
        person_fill_blanks(person, **details)
    if wants_updates and not person.wants_updates:
        # Opting in only: a form can never quietly opt someone out.
        person.wants_updates = True
        person.save(update_fields=["wants_updates", "updated_at"])
        consent_record(
            person=person, kind=ConsentRecord.Kind.UPDATES, given=True, wording=UPDATES_WORDING, source=source
        )

    now = timezone.now()
    counts = counts_under_lock(session, now)
    has_place, pool = _place_for_newcomer(session, person, counts)
    # The newest on the waiting list goes last even if another server's clock ran ahead.
    waitlisted_at = max(now, counts.last_waitlisted_at) if counts.last_waitlisted_at else now
    values = {
        "status": Booking.Status.CONFIRMED if has_place else Booking.Status.WAITLISTED,
        "reserved_place": pool,
        "waitlisted_at": None if has_place else waitlisted_at,
        "promoted_at": None,
        "cancelled_at": None,
        "dietary_kinds": valid_dietary_kinds(dietary_kinds or []),
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
    if has_place:
        place_given.send(sender=Booking, booking=booking, actor=taken_by)
    # Someone new has had no email from us; anyone else may be the target of a flood of sign-ups.
    if added or _may_email(person.email):
        _email_booking(booking, person.email)
    # Everyone already waiting is ahead (the session is locked, and this one went in last).
    position = None if has_place else counts.waiting + 1
    return SignupResult(
        booking=booking,
        created=True,
        waiting_list_position=position,
        told_status=booking.status,
        told_position=position,
    )


def _place_for_newcomer(session: Session, person: Person, counts: Counts) -> tuple[bool, ReservedPlaces | None]:
    """Whether a sign-up by this person would get a place now (and from which held pool)."""
    if counts.active_pools:
        places = places_now(session)
        is_newcomer = not returning_people(session, [person.pk]) if places.held else True
        return places.place_for(perspectives=person.perspectives, is_newcomer=is_newcomer)
    return session.capacity - counts.taken > 0, None


def _repeat_signup(session: Session, person: Person, booking: Booking) -> SignupResult:
    """The address already has a booking. Nothing changes; the answer is what a fresh sign-up
    would get at this moment (a place if one is free, else the next place on the waiting list),
    and the booking's own details and link go to the address, at most once in a while."""
    counts = counts_under_lock(session, timezone.now())
    has_place, _pool = _place_for_newcomer(session, person, counts)
    if not _emailed_recently(booking, person.email) and _may_email(person.email):
        _email_booking(booking, person.email, again=True)
    return SignupResult(
        booking=booking,
        created=False,
        waiting_list_position=booking.waiting_list_position(),
        told_status=Booking.Status.CONFIRMED if has_place else Booking.Status.WAITLISTED,
        told_position=None if has_place else counts.waiting + 1,
    )


@write_transaction()
def booking_send_link(*, session_id: int, email: str) -> None:
    """ "Send my link again": email the booking's details and a new private link to the address,
    if it has a booking for this session that is not cancelled. The caller answers the same
    whatever happened, so nobody learns from it whether the address is booked. Capped per address
    (BOOKING_EMAILS_PER_ADDRESS) with every other booking email."""
    booking = (
        Booking.objects.filter(session_id=session_id, person__email=normalise_email(email))
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("person")
        .first()
    )
    if booking is None or not _may_email(booking.person.email):
        return
    _email_booking(booking, booking.person.email, resent=True)


@transaction.atomic
def booking_cancel(
    *, booking_id: int, actor: User | str | None = None, reason: str = ""
) -> tuple[Booking, list[Booking]]:
    """Cancel a booking, revoke its private links, and give its place to the waiting list. The
    actor is None when the participant cancels, a label when a command does (see audit.log)."""
    current = Booking.objects.only("session_id").get(pk=booking_id)
    session = lock_session(current.session_id)
    booking = Booking.objects.select_related("person").get(pk=booking_id)
    if booking.status == Booking.Status.CANCELLED:
        return booking, []
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.waitlisted_at = None
    booking.save(update_fields=["status", "cancelled_at", "waitlisted_at", "updated_at"])
    ManageLink.revoke_all(booking=booking)
    delete_access_needs(
        bookings=[booking.pk],
        reason="booking cancelled",
        actor=actor if actor is not None else "participant",
        spare_kept_on_file=True,
    )
    clear_dietary_needs(
        bookings=[booking.pk], reason="booking cancelled", actor=actor if actor is not None else "participant"
    )
    audit.log(actor, "booking.cancelled", booking, actor_label="" if actor else "participant", reason=reason)
    queue_email(
        to=booking.person.email,
        template="booking_cancelled",
        context={"booking_id": booking.pk, "by_team": actor is not None, "reason": reason},
        session_id=session.pk,
        booking_id=booking.pk,
    )
    promoted = promote_waiting(session, actor=None)
    return booking, promoted


@transaction.atomic
def access_needs_update(*, booking: Booking, answer: AccessNeedsAnswer, source: str = Booking.Source.WEB) -> None:
    """A participant changes what they told us (from their private link)."""
    _save_access_needs(booking, answer, source=source)
    audit.log(None, "access_needs.updated", booking, actor_label="participant")


@transaction.atomic
def dietary_needs_update(*, booking: Booking, kinds: list[str], details: str) -> None:
    """A participant changes their dietary needs (from their private link)."""
    booking.dietary_kinds = valid_dietary_kinds(kinds)
    booking.dietary_needs = details.strip()
    booking.save(update_fields=["dietary_kinds", "dietary_needs", "updated_at"])
    audit.log(None, "dietary_needs.updated", booking, actor_label="participant")


@transaction.atomic
def booking_mark_attendance(*, booking_id: int, attended: bool | None, actor: User) -> Booking:
    """Check-in: attended=True marks attended, False marks no-show, None undoes (back to confirmed)."""
    session, booking = lock_booking(booking_id)
    if booking.status in (Booking.Status.CANCELLED, Booking.Status.WAITLISTED):
        raise BookingStateError(f"{booking.person.name} does not have a place, so cannot be checked in.")
    new = {True: Booking.Status.ATTENDED, False: Booking.Status.NO_SHOW, None: Booking.Status.CONFIRMED}[attended]
    if booking.status != new:
        old = booking.status
        booking.status = new
        booking.save(update_fields=["status", "updated_at"])
        audit.log(actor, f"booking.{new}", booking)
        attendance_marked.send(sender=Booking, booking=booking, old=old, new=new, actor=actor)
    return booking


@transaction.atomic
def booking_walk_in(
    *, session_id: int, name: str, email: str = "", pronouns: str = "", phone: str = "", actor: User
) -> Booking:
    """Someone who turns up on the day: add them as attended, even if the list was full (they are
    in the room). Without an email they get a placeholder address that is never mailed."""
    session = lock_session(session_id)
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
    place_given.send(sender=Booking, booking=booking, actor=actor)
    return booking
