"""Computed indicators against a small world counted by hand (see the comments), including a person
who cancelled, people who did not come, someone on the waiting list, a person who asked to be
forgotten, anonymous and paper feedback, and a cancelled session that must never count."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import make_programme, make_session, make_venue
from roundtable.evaluation.indicators import (
    METRICS,
    SCORE,
    Series,
    indicator_series,
    median_from_histogram,
    simpson_index,
)
from roundtable.evaluation.models import Aim, FeedbackResponse, Indicator, IndicatorValue
from roundtable.people.models import Person
from roundtable.people.services import person_forget
from roundtable.records.models import Action, Decision

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
START, END = date(2025, 1, 1), date(2025, 3, 31)


def _at(y, m, d, h=14, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=LONDON)


def _session(when, programme, venue, **extra):
    return make_session(starts_at=when, programme=programme, venue=venue, **extra)


def _book(session, person, status):
    extra = {"waitlisted_at": session.starts_at - timedelta(days=3)} if status == "waitlisted" else {}
    return Booking.objects.create(session=session, person=person, status=status, **extra)


def _feedback(session, person=None, **answers):
    answers.setdefault("submitted_on", session.starts_at.date() + timedelta(days=1))
    return FeedbackResponse.objects.create(session=session, person=person, **answers)


def _action(decision, actor, status, done_at=None, reason=""):
    action = Action.objects.create(
        decision=decision,
        title=f"Action {status}",
        owner=actor,
        status=status,
        not_doing_reason=reason,
        status_changed_at=done_at or decision.session.starts_at,
    )
    return action


@pytest.fixture
def world():
    """Sessions (14:00 London): S00 10 Jun 2024, S0 10 Nov 2024, S1 15 Jan, S2 10 Feb, S3 5 Mar in
    programme P; S4 20 Mar 2025 in programme Q; SX 20 Feb 2025 in P, cancelled."""
    venue, p, q = make_venue(), make_programme(), make_programme()
    coordinator = make_coordinator()
    s00 = _session(_at(2024, 6, 10), p, venue)
    s0 = _session(_at(2024, 11, 10), p, venue)
    s1 = _session(_at(2025, 1, 15), p, venue)
    s2 = _session(_at(2025, 2, 10), p, venue)
    s3 = _session(_at(2025, 3, 5), p, venue)
    s4 = _session(_at(2025, 3, 20), q, venue)
    sx = _session(_at(2025, 2, 20), p, venue, status=Session.Status.CANCELLED)

    def person(name, *perspectives):
        return Person.objects.create(name=name, email=f"{name.lower()}@example.org", perspectives=list(perspectives))

    ann = person("Ann", "lived_experience", "carer")
    ben = person("Ben", "researcher")
    cat = person("Cat", "student")
    dan = person("Dan", "community_member")
    eve = person("Eve", "prefer_not_to_say")
    fay = person("Fay", "carer")
    gus = person("Gus", "lived_experience")
    hal = person("Hal", "other")
    for session, who, status in [
        (s1, ann, "attended"),
        (s2, ann, "attended"),
        (s3, ann, "attended"),
        (s0, ben, "attended"),
        (s1, ben, "attended"),
        (s3, ben, "no_show"),
        (s4, ben, "attended"),
        (s1, cat, "cancelled"),
        (s2, cat, "attended"),
        (s2, dan, "no_show"),
        (s3, dan, "attended"),
        (s00, eve, "attended"),
        (s3, eve, "attended"),
        (s1, fay, "waitlisted"),
        (s4, fay, "attended"),
        (s1, gus, "attended"),
        (sx, hal, "attended"),
    ]:
        _book(session, who, status)

    _feedback(
        s1, ann, voice_heard=5, ways_to_contribute=4, things_that_matter=5, led_to_change=4, feeling=5, access_met="yes"
    )
    _feedback(s1, gus, voice_heard=3, feeling=3, access_met="no", access_comment="No hearing loop")
    _feedback(s2, None, anonymous=True, voice_heard=4, feeling=4, access_met="partly")
    _feedback(s3, None, source="paper", voice_heard=2, feeling=2, access_met="not_needed")
    _feedback(s4, ben, voice_heard=5, access_met="yes")
    _feedback(sx, None, voice_heard=1, feeling=1, access_met="no")

    d1 = Decision.objects.create(session=s1, title="Longer breaks", method="consensus")
    _action(d1, coordinator, "done", _at(2025, 1, 25))  # 10 days after S1
    _action(d1, coordinator, "planned")
    d3 = Decision.objects.create(session=s3, title="Easy read packs", method="dot_voting")
    _action(d3, coordinator, "done", _at(2025, 3, 9))  # 4 days
    _action(d3, coordinator, "done", _at(2025, 3, 25))  # 20 days
    _action(d3, coordinator, "not_doing", reason="No budget")
    dx = Decision.objects.create(session=sx, title="Never happened", method="consensus")
    _action(dx, coordinator, "done", _at(2025, 2, 21))

    # Gus asks to be forgotten after the sessions: the counts below must not change.
    person_forget(person=gus, actor=coordinator)
    return {"p": p, "q": q, "coordinator": coordinator, "gus": gus, "sessions": (s1, s2, s3, s4, sx)}


def _indicators(*codes, recorded: int = 0):
    aim = Aim.objects.create(title="Everyone's voice counts", success_looks_like="People say they were heard")
    out = [Indicator.objects.create(aim=aim, title=c, kind="computed", metric=c) for c in codes]
    out += [
        Indicator.objects.create(aim=aim, title=f"Recorded {n}", kind="recorded", unit="projects")
        for n in range(recorded)
    ]
    return out


def _values(series: Series) -> list:
    return [p.value for p in series.points]


def _one(code, programme=None, start=START, end=END) -> Series:
    (indicator,) = _indicators(code)
    return indicator_series([indicator], start=start, end=end, programme=programme)[indicator.pk]


def test_attendance_counts_people_who_came_and_nobody_else(world):
    series = _one("attendance")
    # Jan: Ann, Ben, Gus. Feb: Ann, Cat (Dan did not come; SX was cancelled). Mar: Ann, Dan, Eve, Ben, Fay.
    assert _values(series) == [3, 2, 5]
    assert series.total == 10
    assert [p.label for p in series.points] == ["Jan 2025", "Feb 2025", "Mar 2025"]
    assert [p.period_start for p in series.points] == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    assert series.unit == "attendances"
    assert "10 times" in series.summary and "4 sessions" in series.summary


def test_newcomers_are_counted_at_their_first_session_attended(world):
    series = _one("newcomers")
    # Jan: Ann, Gus (Ben came in November). Feb: Cat (she cancelled S1). Mar: Dan (a no-show before),
    # Fay (only waitlisted before). Eve came in June 2024, so she is not new.
    assert _values(series) == [2, 1, 2]
    assert series.total == 5


def test_sessions_held_and_people_reached(world):
    assert _values(_one("sessions_held")) == [1, 1, 2]
    people = _one("people_reached")
    assert _values(people) == [3, 2, 5]
    assert people.total == 7  # Ann, Ben, Gus, Cat, Dan, Eve, Fay: Ann's three visits count once
    assert people.summary.startswith("7 different people")


def test_returning_rate_looks_back_over_its_window(world):
    three = _one("returning_3m")
    # Jan: Ben (S0 66 days before) of 3. Feb: Ann of 2. Mar: Ann and Ben of 5. Eve's June visit is too old.
    assert _values(three) == [33.3, 50.0, 40.0]
    assert three.total == 40.0
    assert _one("returning_6m").total == 40.0
    twelve = _one("returning_12m")
    assert _values(twelve) == [33.3, 50.0, 60.0]  # now Eve's June visit counts
    assert twelve.total == 50.0
    assert twelve.unit == "%"


def test_breadth_and_simpson_diversity_of_perspectives(world):
    breadth = _one("perspectives_breadth")
    # Jan: lived 2, carer 1, researcher 1. Feb: lived, carer, student. Mar: lived, carer 2, community,
    # researcher ("prefer not to say" is not a perspective).
    assert _values(breadth) == [3, 3, 4]
    assert breadth.total == 5
    diversity = _one("perspectives_diversity")
    assert _values(diversity) == [0.625, 0.667, 0.72]
    assert diversity.total == 0.736  # lived 4, carer 4, researcher 2, student 1, community 1: 1 - 38/144
    assert "Simpson" in diversity.summary


def test_feedback_scores_include_anonymous_paper_and_forgotten_people(world):
    voice = _one("cube_voice_heard")
    assert _values(voice) == [4.0, 4.0, 3.5]
    assert voice.total == 3.8  # (5 + 3 + 4 + 2 + 5) / 5: the cancelled session's 1 is left out
    assert voice.unit == "average score out of 5"
    feeling = _one("feeling")
    assert _values(feeling) == [4.0, 4.0, 2.0]
    assert feeling.total == 3.5
    assert _values(_one("cube_ways_to_contribute")) == [4.0, None, None]
    responses = _one("feedback_responses")
    assert _values(responses) == [2, 1, 2] and responses.total == 5


def test_access_needs_met_is_the_share_of_yes(world):
    series = _one("access_needs_met")
    # Jan: yes, no. Feb: partly. Mar: Ben yes; "I did not need anything" is left out.
    assert _values(series) == [50.0, 0.0, 100.0]
    assert series.total == 50.0
    assert series.summary.startswith("2 of 4 people")


def test_actions_done_and_median_days_to_done(world):
    done = _one("actions_done")
    assert _values(done) == [50.0, None, 66.7]
    assert done.total == 60.0
    days = _one("actions_days_to_done")
    assert _values(days) == [10, None, 12]  # Jan: 10 days. Mar: 4 and 20 days
    assert days.total == 10  # the middle of 4, 10, 20
    assert days.unit == "days"


def test_programme_narrows_computed_indicators(world):
    series = _one("attendance", programme=world["q"])
    assert _values(series) == [None, None, 2]  # Q's first session was in March: nothing to count before
    assert _one("newcomers", programme=world["q"]).total == 1  # Fay; Ben had been before, in another programme
    assert _one("cube_voice_heard", programme=world["q"].pk).total == 5.0


def test_forgetting_a_person_keeps_counts_and_forgets_them(world):
    gus = Person.objects.get(pk=world["gus"].pk)
    assert gus.name != "Gus" and "gus" not in gus.email and gus.email.endswith(".invalid")
    assert Booking.objects.filter(person=gus, status="attended").count() == 1
    assert not FeedbackResponse.objects.filter(person=gus).exists()
    # Everything counted above already included Gus: attendance in January is still 3.
    assert _values(_one("attendance"))[0] == 3


def test_recorded_indicator_shows_the_latest_value_in_each_month(world):
    (indicator,) = _indicators(recorded=1)
    for day, value, source in [
        (date(2024, 12, 1), 1, "old"),
        (date(2025, 1, 5), 2, "panel"),
        (date(2025, 1, 20), 3, "panel"),
        (date(2025, 3, 2), 4, "Funding panel minutes"),
    ]:
        IndicatorValue.objects.create(indicator=indicator, value=value, recorded_on=day, source=source)
    series = indicator_series([indicator], start=START, end=END)[indicator.pk]
    assert _values(series) == [3.0, None, 4.0]
    assert series.total == 4.0
    assert series.unit == "projects"
    assert "4 projects" in series.summary and "Funding panel minutes" in series.summary and "rose" in series.summary


def test_month_follows_london_time_across_the_clock_change():
    venue, programme = make_venue(), make_programme()
    # 00:30 on 1 April in London is still 31 March in UTC: it belongs to April.
    session = _session(datetime(2025, 4, 1, 0, 30, tzinfo=LONDON), programme, venue)
    person = Person.objects.create(name="Ivy", email="ivy@example.org")
    _book(session, person, "attended")
    series = _one("attendance", start=date(2025, 3, 1), end=date(2025, 4, 30))
    assert _values(series) == [None, 1]  # nothing had happened yet in March


def test_unknown_metric_and_empty_periods_say_so_plainly(world):
    aim = Aim.objects.create(title="A", success_looks_like="B")
    gone = Indicator.objects.create(aim=aim, title="Gone", kind="computed", metric="no_longer_exists")
    result = indicator_series([gone], start=START, end=END)[gone.pk]
    assert result.total is None and "no longer available" in result.summary
    empty = _one("cube_voice_heard", start=date(2020, 1, 1), end=date(2020, 2, 29))
    assert _values(empty) == [None, None] and empty.total is None
    with pytest.raises(ValueError):
        _one("attendance", start=END, end=START)


def test_helpers():
    assert simpson_index({"a": 1}) == 0
    assert simpson_index({}) is None
    assert median_from_histogram({}) is None
    assert median_from_histogram({3: 1}) == 3
    assert median_from_histogram({1: 1, 5: 1}) == 3
    assert median_from_histogram({1: 2, 9: 1}) == 1


def _grow(world, n: int):
    """More of everything: sessions, people, bookings, feedback, actions and recorded values."""
    venue = make_venue()
    for i in range(n):
        session = _session(_at(2025, 1 + i % 3, 2 + i), world["p"], venue)
        people = [
            Person.objects.create(
                name=f"P{i}-{k}",
                email=f"p{i}-{k}@example.org",
                perspectives=[["carer"], ["student", "researcher"], []][k % 3],
            )
            for k in range(4)
        ]
        for k, person in enumerate(people):
            _book(session, person, "attended" if k else "no_show")
            _feedback(
                session, person if k % 2 else None, anonymous=not k % 2, voice_heard=1 + k, feeling=2, access_met="yes"
            )
        decision = Decision.objects.create(session=session, title="More", method="consensus")
        _action(decision, world["coordinator"], "done", session.starts_at + timedelta(days=i))


def test_indicator_series_costs_the_same_queries_whatever_the_volume(world, django_assert_num_queries):
    indicators = _indicators(*METRICS, recorded=2)
    IndicatorValue.objects.create(indicator=indicators[-1], value=1, recorded_on=date(2025, 2, 1), source="x")
    # attendance+returning, people (2), perspectives, feedback, actions, days to done, recorded values.
    with django_assert_num_queries(9):
        before = indicator_series(indicators, start=START, end=END)
    _grow(world, 12)
    for indicator in indicators[-2:]:
        for day in range(1, 20):
            IndicatorValue.objects.create(indicator=indicator, value=day, recorded_on=date(2025, 3, day), source="x")
    with django_assert_num_queries(9):
        after = indicator_series(indicators, start=START, end=END, programme=world["p"])
    by_code = {i.metric: i.pk for i in indicators if i.metric}
    assert after[by_code["attendance"]].total > before[by_code["attendance"]].total
    assert set(after) == {i.pk for i in indicators}


def test_sentences_read_naturally():
    from roundtable.evaluation.indicators import Point, _fmt, _trend

    assert _fmt(1, "projects") == "1 project" and _fmt(1, "people") == "1 person" and _fmt(2, "people") == "2 people"
    assert (
        _fmt(0.81, "index from 0 to 1") == "0.81" and _fmt(45.0, "%") == "45%" and _fmt(4.25, SCORE) == "4.25 out of 5"
    )
    months = [Point(date(2026, m, 1), f"M{m}", v) for m, v in ((1, 0.0), (2, 3.0), (3, None), (4, 5.0))]
    assert _trend(months, "people") == " It rose from 3 people in M2 to 5 people in M4."


def test_months_are_london_months_at_their_edges_over_a_long_period():
    """Monthly points bucket by plain comparisons (a binary search over month starts): a session at
    00:30 on the 1st or 23:30 on the last day, in summer time or not, lands in its London month."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from roundtable.cocreation.models import Session
    from roundtable.cocreation.testing import make_session, make_venue
    from roundtable.evaluation.indicators import _month_of_sql, month_of, months_between

    london = ZoneInfo("Europe/London")
    venue = make_venue()
    starts = []
    for year, month in [(2023, 1), (2023, 3), (2023, 4), (2023, 10), (2023, 11), (2024, 2), (2024, 12)]:
        first = datetime(year, month, 1, 0, 30, tzinfo=london)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(minutes=60)  # 23:30 on the last day
        starts += [first, last]
    for when in starts:
        make_session(starts_at=when, venue=venue)
    months = months_between(date(2023, 1, 1), date(2024, 12, 31))
    got = dict(Session.objects.annotate(m=month_of("starts_at", months)).values_list("starts_at", "m"))
    for when in starts:
        assert months[got[when]] == when.date().replace(day=1), when
    sql, params = _month_of_sql("starts_at", months)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {sql} FROM {Session._meta.db_table}", params)  # noqa: S608
        raw = dict(cursor.fetchall())
    by_id = dict(Session.objects.annotate(m=month_of("starts_at", months)).values_list("id", "m"))
    assert raw == by_id


def test_a_month_not_over_yet_is_marked_so_far_and_never_narrated_as_a_fall(world):
    """The funder report said "It fell from 21 people in Aug 2026 to 0 people in Dec 2026" on
    the 4th of December: the month had barely begun."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    venue, programme = make_venue(), make_programme()
    for n in range(3):
        session = _session(
            timezone.make_aware(datetime.combine(last_month + timedelta(days=n), time(14))), programme, venue
        )
        _book(session, Person.objects.create(name=f"P{n}", email=f"p{n}@example.org"), "attended")
    series = _one("attendance", programme=programme, start=last_month, end=today)
    assert _values(series) == [3, 0]
    assert [p.partial for p in series.points] == [False, True]
    assert series.points[-1].label == f"{today:%b %Y} (so far)"
    assert "fell" not in series.summary and "rose" not in series.summary


def test_a_period_that_stops_part_way_through_a_month_marks_it_part(world):
    series = _one("attendance", start=date(2025, 1, 1), end=date(2025, 3, 10))
    assert [p.label for p in series.points] == ["Jan 2025", "Feb 2025", "Mar 2025 (part)"]
    assert "from 3 attendances in Jan 2025 to 2 attendances in Feb 2025" in series.summary
