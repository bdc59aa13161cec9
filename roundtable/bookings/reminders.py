"""Reminders before a session: N days before the start (the session's own list, or 7 and 1),
once per booking and N, only the nearest one due. Run by the scheduled job in tasks.py."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.bookings.models import ReminderSent
from roundtable.bookings.session_changes import recipients
from roundtable.cocreation.models import Session
from roundtable.core.email import queue_email


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
        for booking in recipients(session, "confirmed"):
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
