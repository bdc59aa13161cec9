"""Every change to a booking goes through here, inside a transaction that locks the session.

The place a person gets is decided while the session row is locked (PostgreSQL: SELECT … FOR
UPDATE; SQLite: the IMMEDIATE transaction holds the database's write lock), so two processes
can never both take the last place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from roundtable.bookings.errors import BookingStateError, SignupClosed
from roundtable.bookings.models import AccessNeed, AccessNeeds, Booking, ManageLink
from roundtable.bookings.places import counts_under_lock, lock_booking, lock_session, places_now, returning_people
from roundtable.bookings.retention import delete_access_needs
from roundtable.bookings.waiting_list import promote_waiting
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

    session = lock_session(session_id)
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
    counts = counts_under_lock(session, now)
    if counts.active_pools:
        places = places_now(session)
        is_newcomer = not returning_people(session, [person.pk]) if places.held else True
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
def booking_mark_attendance(*, booking_id: int, attended: bool | None, actor: User) -> Booking:
    """Check-in: attended=True marks attended, False marks no-show, None undoes (back to confirmed)."""
    session, booking = lock_booking(booking_id)
    if booking.status in (Booking.Status.CANCELLED, Booking.Status.WAITLISTED):
        raise BookingStateError(f"{booking.person.name} does not have a place, so cannot be checked in.")
    new = {True: Booking.Status.ATTENDED, False: Booking.Status.NO_SHOW, None: Booking.Status.CONFIRMED}[attended]
    if booking.status != new:
        booking.status = new
        booking.save(update_fields=["status", "updated_at"])
        audit.log(actor, f"booking.{new}", booking)
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
    return booking
