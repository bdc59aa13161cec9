"""A small, hand-counted world the report tests share (no tests here): a programme with two past
sessions, people who came, did not come or cancelled, feedback, decisions and actions, aims with a
computed and a recorded indicator, and evidence of every kind — some of it private."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.cocreation.testing import make_programme
from roundtable.evaluation.models import (
    Aim,
    Evidence,
    FeedbackResponse,
    Indicator,
    IndicatorValue,
    Rating,
    SignificantChangeStory,
    Standard,
)
from roundtable.records.tests.factories import add_action, add_decision, add_image, attend, past_session


@dataclass
class World:
    coordinator: User
    programme: object
    other_programme: object
    centre_aim: Aim
    programme_aim: Aim
    attendance: Indicator
    pilots: Indicator
    public_photo: Evidence
    private_photo: Evidence
    story: Evidence
    kept_back: Evidence
    decision_title: str
    done_action_title: str


def build_world(coordinator: User) -> World:
    programme = make_programme(name="Building the Centre together")
    other = make_programme(name="Research with communities")
    first = past_session(programme, days_ago=40, title="Clay and conversation")
    second = past_session(programme, days_ago=12, title="What evidence counts")
    elsewhere = past_session(other, days_ago=20, title="Community research day")
    # first: 3 came (one cancelled, one no-show); second: 2 came, one of them back again
    a = attend(first, perspectives=["carer"])
    attend(first, perspectives=["lived_experience", "researcher"])
    attend(first)
    attend(first, status="cancelled")
    attend(first, status="no_show")
    from roundtable.bookings.models import Booking

    Booking.objects.create(session=second, person=a, status="attended")
    attend(second, perspectives=["student"])
    attend(elsewhere, perspectives=["community_member"])
    for session, went_well in (
        (first, "The Play-Doh made it easy to talk"),
        (second, "Play-Doh again, and longer breaks"),
    ):
        FeedbackResponse.objects.create(
            session=session,
            anonymous=True,
            voice_heard=5,
            ways_to_contribute=4,
            things_that_matter=5,
            led_to_change=4,
            feeling=5,
            went_well=went_well,
            could_be_better="Longer breaks",
            access_met="yes",
            submitted_on=timezone.localdate() - timedelta(days=5),
        )
    decision = add_decision(first, coordinator, title="Breaks every hour")
    add_action(
        decision,
        coordinator,
        title="Change the agenda template",
        status="done",
        outcome="Every agenda now has hourly breaks.",
    )
    add_action(decision, coordinator, title="Ask venues about quiet rooms", status="planned")

    centre_aim = Aim.objects.create(
        title="Everyone's voice counts",
        success_looks_like="People of every background come back and say they were heard.",
        position=1,
    )
    programme_aim = Aim.objects.create(
        title="The Centre is built with the public",
        programme=programme,
        position=2,
        success_looks_like="Pilot projects are chosen and run with the public.",
    )
    attendance = Indicator.objects.create(
        aim=centre_aim, title="Attendance", kind="computed", metric="attendance", position=1
    )
    Indicator.objects.create(
        aim=centre_aim, title="Voice heard", kind="computed", metric="cube_voice_heard", position=2
    )
    pilots = Indicator.objects.create(
        aim=programme_aim, title="Pilot projects funded", kind="recorded", unit="projects", position=3
    )
    IndicatorValue.objects.create(
        indicator=pilots, value=4, recorded_on=timezone.localdate() - timedelta(days=3), source="Panel minutes"
    )

    photo = add_image(
        first,
        coordinator,
        caption="Radiating questions",
        alt_text="A clay question mark with squiggly lines",
        consent="everyone_agreed",
    )
    private = add_image(
        first, coordinator, caption="Faces round the table", alt_text="Five people laughing", consent="private"
    )
    when = timezone.localdate() - timedelta(days=40)
    public_photo = Evidence.objects.create(
        source="output",
        output=photo,
        title="Radiating questions",
        level="individual",
        kind="artefact",
        happened_on=when,
    )
    private_photo = Evidence.objects.create(
        source="output", output=private, title="The whole table", level="individual", kind="artefact", happened_on=when
    )
    story = Evidence.objects.create(
        source="story",
        title="From carer to co-researcher",
        body="I came as a carer and left as a co-researcher.",
        attribution="Amara",
        level="individual",
        kind="story",
        happened_on=when,
    )
    kept_back = Evidence.objects.create(
        source="story",
        title="Not for the funder",
        body="Draft notes",
        level="organisation",
        kind="story",
        happened_on=when,
        in_reports=False,
    )
    for evidence in (public_photo, private_photo, story, kept_back):
        evidence.aims.add(centre_aim)
    SignificantChangeStory.objects.create(
        aim=centre_aim,
        title="Letters people can read",
        story="The trial letters were rewritten with us.",
        domain="How research is done",
        collected_on=when,
        selected_by="the steering group",
        selected_why="It shows the loop closing.",
    )
    return World(
        coordinator=coordinator,
        programme=programme,
        other_programme=other,
        centre_aim=centre_aim,
        programme_aim=programme_aim,
        attendance=attendance,
        pilots=pilots,
        public_photo=public_photo,
        private_photo=private_photo,
        story=story,
        kept_back=kept_back,
        decision_title="Breaks every hour",
        done_action_title="Change the agenda template",
    )


def assessment_post(assessed_on: date, ratings: dict[str, int] | None = None, **extra) -> dict:
    """The self-assessment form as a browser would send it."""
    data = {
        "assessed_on_day": assessed_on.day,
        "assessed_on_month": assessed_on.month,
        "assessed_on_year": assessed_on.year,
        "notes": "",
    }
    for n, code in enumerate(Standard.values):
        data[f"{code}_rating"] = (ratings or {}).get(code, Rating.values[n % 4])
        data[f"{code}_reflection"] = f"What shows it for {code}"
        data[f"{code}_follow_up"] = f"Next step for {code}"
    data.update(extra)
    return data
