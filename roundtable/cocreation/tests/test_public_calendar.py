"""The calendar file puts a session at the right time on both sides of the October clock change."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from roundtable.cocreation.testing import make_session

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _event_start(client, session):
    response = client.get(f"/sessions/{session.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    cal = Calendar.from_ical(response.content)
    event = cal.walk("VEVENT")[0]
    return cal, event


@pytest.mark.parametrize(
    ("local_day", "utc_instant"),
    [
        # Before the change (British Summer Time, UTC+1) ...
        (datetime(2030, 10, 23, 13, 30), datetime(2030, 10, 23, 12, 30, tzinfo=UTC)),
        # ... and after it (Greenwich Mean Time, UTC+0): 27 October 2030 is the last Sunday.
        (datetime(2030, 10, 30, 13, 30), datetime(2030, 10, 30, 13, 30, tzinfo=UTC)),
    ],
)
def test_session_is_at_half_past_one_london_time_either_side_of_the_clock_change(client, local_day, utc_instant):
    session = make_session(title="Autumn session", starts_at=local_day.replace(tzinfo=LONDON))
    cal, event = _event_start(client, session)

    start = event.decoded("dtstart")
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert (start.hour, start.minute) == (13, 30)
    assert start.astimezone(UTC) == utc_instant
    assert event.decoded("dtend").astimezone(UTC) == utc_instant.replace(hour=utc_instant.hour + 3)

    # A calendar that trusts the file's own VTIMEZONE (not its own zone database) agrees.
    own_zone = cal.walk("VTIMEZONE")[0].to_tz()
    naive = start.replace(tzinfo=None)
    localised = own_zone.localize(naive) if hasattr(own_zone, "localize") else naive.replace(tzinfo=own_zone)
    assert localised.astimezone(UTC) == utc_instant


def test_calendar_file_names_the_session_and_place(client):
    session = make_session(title="Evidence café")
    _, event = _event_start(client, session)
    assert str(event["summary"]) == "Evidence café"
    assert "Community Hall" in str(event["location"])
    assert str(event["url"]).endswith(f"/sessions/{session.pk}/")
    assert str(event["status"]) == "CONFIRMED"
