"""Telling people things about their sessions: reminders, changes, cancellations, messages.
Everything is queued through the outbox after commit and sent by the worker."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.bookings.models import AccessNeeds, Booking, ReminderSent
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


@transaction.atomic
def message_attendees(*, session: Session, audience: str, subject: str, body: str, actor) -> int:
    """A coordinator writes to everyone confirmed and/or waiting. Returns how many emails were queued."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}")
    count = 0
    for booking in _recipients(session, audience):
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
    session = Session.objects.select_for_update().get(pk=session_id)
    if session.status == Session.Status.CANCELLED:
        return 0
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason.strip()
    session.sequence += 1
    session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    count = 0
    for booking in _recipients(session, "everyone"):
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
    for booking in _recipients(session, "everyone"):
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


def send_due_reminders(now=None) -> int:
    """Queue each reminder that is due: N days before the start, once per booking and N."""
    now = now or timezone.now()
    horizon = now + timedelta(days=max(max(Session.DEFAULT_REMINDER_DAYS), 31))
    sessions = Session.objects.published().filter(starts_at__gt=now, starts_at__lte=horizon)
    queued = 0
    for session in sessions:
        due = [d for d in session.reminder_schedule if now >= session.starts_at - timedelta(days=d)]
        if not due:
            continue
        days = min(due)  # only the nearest reminder: nobody gets the 7-day one after the 1-day one
        already = set(
            ReminderSent.objects.filter(booking__session=session, days_before__lte=days).values_list(
                "booking_id", flat=True
            )
        )
        for booking in _recipients(session, "confirmed"):
            if booking.pk in already:
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(booking=booking, days_before=days)
                    queue_email(
                        to=booking.person.email,
                        template="booking_reminder",
                        context={"booking_id": booking.pk, "days": days},
                        session_id=session.pk,
                        booking_id=booking.pk,
                    )
                queued += 1
            except IntegrityError:  # another worker got there first
                continue
    return queued


def purge_expired_access_needs(now=None) -> dict[str, int]:
    """Delete access needs a set time after the session, unless the person asked us to keep them.
    Returns counts only: nothing about who."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCESS_NEEDS_RETENTION_DAYS)
    expired = AccessNeeds.objects.filter(booking__session__ends_at__lt=cutoff, keep_on_file=False)
    sessions = expired.values("booking__session_id").distinct().count()
    deleted, _ = expired.delete()
    kept = AccessNeeds.objects.filter(booking__session__ends_at__lt=cutoff, keep_on_file=True).count()
    if deleted:
        audit.log(None, "access_needs.purged", actor_label="retention", deleted=deleted, sessions=sessions)
    return {"deleted": deleted, "sessions": sessions, "kept_on_file": kept}
