"""Context builders for reminders, change and cancellation notices and coordinators' messages."""

from __future__ import annotations

from roundtable.bookings.emails import _booking_context, with_access_needs
from roundtable.cocreation.calendar import session_ics
from roundtable.core.email import context_builder


def _with_calendar(context: dict) -> dict:
    out = _booking_context(context)
    session = out["session"]
    out["_attachments"] = [
        (f"session-{session.pk}.ics", session_ics(session, sequence=session.sequence), "text/calendar")
    ]
    return out


@context_builder("booking_reminder")
def booking_reminder(context: dict) -> dict:
    return with_access_needs(_booking_context(context))


@context_builder("session_changed")
def session_changed(context: dict) -> dict:
    return _with_calendar(context)


@context_builder("session_cancelled")
def session_cancelled(context: dict) -> dict:
    out = _booking_context(context, with_link=False)
    session = out["session"]
    out["_attachments"] = [
        (f"session-{session.pk}.ics", session_ics(session, sequence=session.sequence), "text/calendar")
    ]
    return out


@context_builder("session_message")
def session_message(context: dict) -> dict:
    return _booking_context(context)


@context_builder("booking_moved_to_waiting_list")
def booking_moved_to_waiting_list(context: dict) -> dict:
    return _booking_context(context)
