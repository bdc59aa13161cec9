"""Calendar files (RFC 5545). Times carry the Europe/London zone with its VTIMEZONE, so a session
after the clock change is still at the right local time in every calendar."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from roundtable.cocreation.models import Session

LONDON = timezone.get_default_timezone()


def session_ics(session: Session, *, sequence: int = 0) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//Roundtable//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"session-{session.pk}@{settings.SITE_URL.split('//')[-1].split('/')[0].split(':')[0]}")
    event.add("summary", session.title)
    event.add("dtstart", timezone.localtime(session.starts_at, LONDON))
    event.add("dtend", timezone.localtime(session.ends_at, LONDON))
    event.add("dtstamp", timezone.now())
    event.add("sequence", sequence)
    venue = session.venue
    event.add("location", f"{venue.name}, {' '.join(venue.address.split())} {venue.postcode}".strip())
    event.add("url", settings.SITE_URL + session.get_absolute_url())
    event.add("description", f"{session.summary}\n\nDetails and access information: {settings.SITE_URL}{session.get_absolute_url()}")
    if session.status == Session.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
