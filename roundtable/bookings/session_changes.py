"""What a change to a session means for the people booked on it, and telling them: the
coordinator's edit of a session (more places fill from the waiting list, a new time or venue is
announced), cancelling a session, and writing to everyone booked. Everything is queued through
the outbox in the same transaction and sent by the mailer.

The session's own fields are changed by `cocreation.services`; the use cases here sit above it and
call it, so cocreation never needs to know about bookings."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.bookings.waiting_list import promote_waiting_list
from roundtable.cocreation import services as cocreation_services
from roundtable.cocreation.models import Session
from roundtable.core import audit
from roundtable.core.email import queue_email

AUDIENCES = {
    "confirmed": (Booking.Status.CONFIRMED,),
    "waiting": (Booking.Status.WAITLISTED,),
    "everyone": (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED),
}


def _recipients(session: Session, audience: str):
    return Booking.objects.filter(session=session, status__in=AUDIENCES[audience]).select_related("person")


def recipients(session: Session, audience: str):
    return Booking.objects.filter(session=session, status__in=AUDIENCES[audience]).select_related("person")


@transaction.atomic
def session_update(*, session: Session, actor, **changes) -> list[str]:
    """Change a session's details (`cocreation.services.session_update`, which validates them and
    refuses fewer places than are taken), then look after the people booked: more places, or fewer
    held back, fill from the waiting list at once; people booked on a published, upcoming session
    are told when its time or venue changes. Returns the names of the fields that changed."""
    changed = cocreation_services.session_update(session=session, actor=actor, **changes)
    published = session.status == Session.Status.PUBLISHED
    if {"capacity", "reserved_places"} & set(changed) and published:
        promote_waiting_list(session_id=session.pk)
    notices = sorted(
        {
            cocreation_services.NOTIFY_WHEN_CHANGED[name]
            for name in changed
            if name in cocreation_services.NOTIFY_WHEN_CHANGED
        }
    )
    if notices and published and session.ends_at > timezone.now():
        notify_session_changed(session=session, changes=notices, actor=actor)
    return changed


@transaction.atomic
def message_attendees(*, session: Session, audience: str, subject: str, body: str, actor) -> int:
    """A coordinator writes to everyone confirmed and/or waiting. Returns how many emails were queued."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}")
    count = 0
    for booking in recipients(session, audience):
        queue_email(
            to=booking.person.email,
            template="session_message",
            context={"booking_id": booking.pk, "subject": subject, "body": body},
            session_id=session.pk,
            booking_id=booking.pk,
        )
        count += 1
    audit.log(actor, "session.messaged", session, audience=audience, recipients=count, subject=subject)
    return count


@transaction.atomic
def session_cancel(*, session_id: int, reason: str, actor) -> int:
    """Cancel a session with a reason; everyone booked or waiting is told. Returns emails queued."""
    session = Session.objects.locked(session_id)
    if session.status == Session.Status.CANCELLED:
        return 0
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason.strip()
    session.sequence += 1
    session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    count = 0
    for booking in recipients(session, "everyone"):
        queue_email(
            to=booking.person.email,
            template="session_cancelled",
            context={"booking_id": booking.pk, "reason": reason},
            session_id=session.pk,
            booking_id=booking.pk,
        )
        count += 1
    audit.log(actor, "session.cancelled", session, reason=reason, told=count)
    return count


def notify_session_changed(*, session: Session, changes: list[str], actor) -> int:
    """Call inside the transaction that changed the time or venue of a published session."""
    Session.objects.filter(pk=session.pk).update(sequence=session.sequence + 1)
    session.sequence += 1
    count = 0
    for booking in recipients(session, "everyone"):
        queue_email(
            to=booking.person.email,
            template="session_changed",
            context={"booking_id": booking.pk, "changes": changes},
            session_id=session.pk,
            booking_id=booking.pk,
        )
        count += 1
    audit.log(actor, "session.changed", session, changes=changes, told=count)
    return count
