"""The calendar file is built once per version of a session and reused, but never goes stale."""

from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from roundtable.bookings.testing import signup
from roundtable.cocreation.calendar import build_ics, cached_ics, ics_fields, session_ics
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import make_session, make_venue
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def session():
    venue = make_venue(name="Community Hall", address="1 Example Street\nLondon", postcode="N1C 4AA")
    return make_session(
        title="Building the Centre together",
        capacity=10,
        venue=venue,
        starts_at=datetime(2030, 10, 23, 13, 30, tzinfo=LONDON),
    )


def event_emailed_to(address: str):
    run_tasks()
    (message,) = [m for m in mail.outbox if m.to == [address]]
    ((filename, content, mimetype),) = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    return Calendar.from_ical(content).walk("VEVENT")[0]


def test_changing_the_session_and_its_venue_changes_the_next_file_attached(session):
    signup(session, 1, email="first@example.org")
    first = event_emailed_to("first@example.org")
    assert str(first["summary"]) == "Building the Centre together"
    assert first.decoded("dtstart").astimezone(UTC) == datetime(2030, 10, 23, 12, 30, tzinfo=UTC)
    assert str(first["location"]) == "Community Hall, 1 Example Street London N1C 4AA"

    # A week later: after the clock change, so 13:30 in London is 13:30 UTC.
    session.title = "Building the Centre: round two"
    session.starts_at = datetime(2030, 10, 30, 13, 30, tzinfo=LONDON)
    session.ends_at = session.starts_at + timedelta(hours=2)
    session.save()
    session.venue.address = "2 Other Road\nLondon"
    session.venue.save()

    signup(session, 2, email="second@example.org")
    second = event_emailed_to("second@example.org")
    assert str(second["summary"]) == "Building the Centre: round two"
    assert second["dtstart"].params["TZID"] == "Europe/London"
    assert second.decoded("dtstart").astimezone(UTC) == datetime(2030, 10, 30, 13, 30, tzinfo=UTC)
    assert second.decoded("dtend").astimezone(UTC) == datetime(2030, 10, 30, 15, 30, tzinfo=UTC)
    assert str(second["location"]) == "Community Hall, 2 Other Road London N1C 4AA"


def test_a_change_that_does_not_touch_updated_at_still_gives_a_new_file(session):
    before = Calendar.from_ical(session_ics(session)).walk("VEVENT")[0]
    stamp = Session.objects.get(pk=session.pk).updated_at
    # update() skips auto_now, as the sequence bump in notifications does.
    Session.objects.filter(pk=session.pk).update(title="Renamed quietly", status=Session.Status.CANCELLED)
    session = Session.objects.select_related("venue").get(pk=session.pk)
    assert session.updated_at == stamp

    after = Calendar.from_ical(session_ics(session)).walk("VEVENT")[0]
    assert str(before["summary"]) == "Building the Centre together" and str(before["status"]) == "CONFIRMED"
    assert str(after["summary"]) == "Renamed quietly" and str(after["status"]) == "CANCELLED"
    assert Calendar.from_ical(session_ics(session, sequence=4)).walk("VEVENT")[0].decoded("sequence") == 4


def test_each_copy_is_stamped_when_it_is_made_and_is_otherwise_the_file_built_afresh(session):
    cached_ics.cache_clear()
    copies = []
    for minute in (0, 7):
        now = datetime(2030, 1, 2, 9, minute, 5, tzinfo=UTC)
        with mock.patch.object(timezone, "now", return_value=now):
            copies.append(session_ics(session, sequence=2))
        # Byte for byte what building the whole file at that moment gives.
        assert copies[-1] == build_ics(ics_fields(session, 2), dtstamp=now)
    assert b"\r\nDTSTAMP:20300102T090005Z\r\n" in copies[0]
    assert b"\r\nDTSTAMP:20300102T090705Z\r\n" in copies[1]
    assert copies[0].replace(b"T090005Z", b"T090705Z") == copies[1]
    assert (cached_ics.cache_info().misses, cached_ics.cache_info().hits) == (1, 1)
