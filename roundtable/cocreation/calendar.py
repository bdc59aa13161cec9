"""Calendar files (RFC 5545). Times carry the Europe/London zone with its VTIMEZONE, so a session
after the clock change is still at the right local time in every calendar."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from roundtable.cocreation.models import Session

LONDON = timezone.get_default_timezone()


def _london_vtimezone() -> Timezone:
    """The UK rule as two yearly recurrences (the last Sunday of March and of October, as in force
    since 1996). icalendar's generated zone lists every change date as an RDATE and stops at 2037;
    a recurrence rule stays right for sessions booked years ahead and is what calendars expect."""
    tz = Timezone()
    tz.add("tzid", "Europe/London")
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("dtstart", datetime(1996, 3, 31, 1, 0))
    summer.add("tzoffsetfrom", timezone.timedelta(hours=0))
    summer.add("tzoffsetto", timezone.timedelta(hours=1))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("dtstart", datetime(1996, 10, 27, 2, 0))
    winter.add("tzoffsetfrom", timezone.timedelta(hours=1))
    winter.add("tzoffsetto", timezone.timedelta(hours=0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def _host() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "roundtable.local"


def session_ics(session: Session, *, sequence: int = 0) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//Roundtable//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"session-{session.pk}@{_host()}")
    event.add("summary", session.title)
    event.add("dtstart", timezone.localtime(session.starts_at, LONDON))
    event.add("dtend", timezone.localtime(session.ends_at, LONDON))
    event.add("dtstamp", timezone.now())
    event.add("sequence", sequence)
    venue = session.venue
    event.add("location", f"{venue.name}, {' '.join(venue.address.split())} {venue.postcode}".strip())
    url = settings.SITE_URL + session.get_absolute_url()
    event.add("url", url)
    event.add("description", f"{session.summary}\n\nDetails and access information: {url}".strip())
    event.add("status", "CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED")
    if getattr(LONDON, "key", "") == "Europe/London":
        cal.add_component(_london_vtimezone())
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
