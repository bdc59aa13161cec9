"""Calendar files (RFC 5545). Times carry the Europe/London zone with its VTIMEZONE, so a session
after the clock change is still at the right local time in every calendar."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDatetime

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
    summer.add("tzoffsetfrom", timedelta(hours=0))
    summer.add("tzoffsetto", timedelta(hours=1))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("dtstart", datetime(1996, 10, 27, 2, 0))
    winter.add("tzoffsetfrom", timedelta(hours=1))
    winter.add("tzoffsetto", timedelta(hours=0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def _host() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "roundtable.local"


class _IcsFields(NamedTuple):
    """Everything a session's calendar file says, except the time it was made (DTSTAMP). The file is
    built from these fields alone, so this tuple is a complete cache key: any change to the session,
    its venue, the sequence or the site settings gives a new key, whether or not updated_at moved
    (a sequence bump or a queryset update() does not touch updated_at)."""

    site_name: str
    host: str
    url: str
    pk: int
    title: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    location: str
    sequence: int


# A placeholder DTSTAMP in the cached file, replaced by the real one for every copy. Anchored on
# the line breaks: a property line can only start after CRLF, and text values escape their own
# newlines and fold with a leading space, so a title or summary can never produce this line.
_STAMP_PLACEHOLDER = datetime(1901, 1, 1, tzinfo=UTC)
_STAMP_LINE = b"\r\nDTSTAMP:" + vDatetime(_STAMP_PLACEHOLDER).to_ical() + b"\r\n"


def session_ics(session: Session, *, sequence: int = 0) -> bytes:
    """The session's calendar file, stamped now.

    Building it with icalendar (mostly `to_ical` folding lines) was about a quarter of the worker's
    CPU per confirmation email, and every booking of a session gets the same file, so it is built
    once per version of the session and kept in a small in-process LRU cache. Not Django's cache:
    the default one is the DatabaseCache, which would cost a query (and pickling) per email, about
    what building the file costs, and the file is small and cheap to rebuild in a new worker."""
    stamp = b"\r\nDTSTAMP:" + vDatetime(timezone.now().astimezone(UTC)).to_ical() + b"\r\n"
    return cached_ics(ics_fields(session, sequence)).replace(_STAMP_LINE, stamp, 1)


def ics_fields(session: Session, sequence: int) -> _IcsFields:
    venue = session.venue
    return _IcsFields(
        site_name=settings.SITE_NAME,
        host=_host(),
        url=settings.SITE_URL + session.get_absolute_url(),
        pk=session.pk,
        title=session.title,
        summary=session.summary,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        cancelled=session.status == Session.Status.CANCELLED,
        location=f"{venue.name}, {' '.join(venue.address.split())} {venue.postcode}".strip(),
        sequence=sequence,
    )


@functools.lru_cache(maxsize=256)
def cached_ics(fields: _IcsFields) -> bytes:
    ics = build_ics(fields, dtstamp=_STAMP_PLACEHOLDER)
    if ics.count(_STAMP_LINE) != 1:  # pragma: no cover - would mean icalendar changed its output
        raise RuntimeError("the calendar file's DTSTAMP line was not found exactly once")
    return ics


def build_ics(fields: _IcsFields, *, dtstamp: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//{fields.site_name}//Roundtable//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"session-{fields.pk}@{fields.host}")
    event.add("summary", fields.title)
    event.add("dtstart", timezone.localtime(fields.starts_at, LONDON))
    event.add("dtend", timezone.localtime(fields.ends_at, LONDON))
    event.add("dtstamp", dtstamp)
    event.add("sequence", fields.sequence)
    event.add("location", fields.location)
    event.add("url", fields.url)
    event.add("description", f"{fields.summary}\n\nDetails and access information: {fields.url}".strip())
    event.add("status", "CANCELLED" if fields.cancelled else "CONFIRMED")
    if getattr(LONDON, "key", "") == "Europe/London":
        cal.add_component(_london_vtimezone())
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
