"""The waiting list: who gets a place when one frees, in order, respecting balanced places; and
the coordinator's moves (give someone a place, move someone to the list). Positions are computed
(`waitlisted_at`, then id), never stored, so they have no gaps or repeats."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from roundtable.bookings.errors import BookingStateError
from roundtable.bookings.models import Booking
from roundtable.bookings.places import lock_booking, lock_session, places_now, places_taken, returning_people
from roundtable.bookings.signals import place_given
from roundtable.cocreation.models import Session
from roundtable.core import audit
from roundtable.core.email import queue_email


def promote_waiting(session: Session, actor=None) -> list[Booking]:
    """Fill free places from the waiting list, oldest first, respecting balanced places: someone
    who cannot take a held place is passed over only while no open place is free. Call with the
    session locked."""
    places = places_now(session)
    if places.free <= 0:
        return []
    waiting = list(Booking.objects.filter(session=session).waiting().select_related("person"))
    returning = returning_people(session, [b.person_id for b in waiting]) if places.held else set()
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
        place_given.send(sender=Booking, booking=booking, actor=actor)
        queue_email(
            to=booking.person.email,
            template="booking_promoted",
            context={"booking_id": booking.pk},
            session_id=session.pk,
            booking_id=booking.pk,
        )
    return promoted


@transaction.atomic
def promote_waiting_list(*, session_id: int, actor=None) -> list[Booking]:
    """Give free places to the waiting list now (e.g. when held places are released)."""
    session = lock_session(session_id)
    if session.signup_state() in ("cancelled", "past", "draft"):
        return []
    return promote_waiting(session, actor=actor)


@transaction.atomic
def booking_move_to_waiting_list(*, booking_id: int, actor) -> tuple[Booking, list[Booking]]:
    """Give up a confirmed place: the person goes to the end of the waiting list and the place is
    offered, in order, to those already waiting."""
    session, booking = lock_booking(booking_id)
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingStateError("Only someone with a confirmed place can be moved to the waiting list.")
    others_promoted = _promote_after_freeing(session, booking, actor)
    return booking, others_promoted


def _promote_after_freeing(session: Session, booking: Booking, actor) -> list[Booking]:
    # Promote the people already waiting before this person joins the list, so they are not handed
    # straight back the place they just left.
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status"])
    promoted = promote_waiting(session, actor=actor)
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
def booking_promote(*, booking_id: int, actor) -> Booking:
    """Promote one person from the waiting list by hand, if a place is free. A coordinator may use a
    place held for balanced places; they may never go over capacity."""
    session, booking = lock_booking(booking_id)
    if session.signup_state() in ("cancelled", "past"):
        raise BookingStateError("This session is cancelled or over, so nobody can be given a place.")
    if booking.status != Booking.Status.WAITLISTED:
        raise BookingStateError(f"{booking.person.name} is not on the waiting list.")
    if places_taken(session) >= session.capacity:
        raise BookingStateError(
            "There is no free place. Cancel a booking, move someone to the waiting list, "
            "or raise the number of places first."
        )
    booking.status = Booking.Status.CONFIRMED
    booking.promoted_at = timezone.now()
    booking.save(update_fields=["status", "promoted_at", "updated_at"])
    audit.log(actor, "booking.promoted", booking, by_hand=True)
    place_given.send(sender=Booking, booking=booking, actor=actor)
    queue_email(
        to=booking.person.email,
        template="booking_promoted",
        context={"booking_id": booking.pk},
        session_id=session.pk,
        booking_id=booking.pk,
    )
    return booking
