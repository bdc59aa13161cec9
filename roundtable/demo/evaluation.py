"""Demo evaluation: aims with what success would look like, computed and recorded indicators,
evidence of every kind (the records demo's clay figures photo included, when it exists), Most
Significant Change stories, and feedback on past sessions so the dashboard and reports have
something real to show.

`seed_evaluation()` is idempotent (aims, indicators, evidence and stories are found by title;
a session that already has feedback gets no more) and emails nobody: every attendee of a past
session is marked as already asked and reminded. Call it from seed_demo after seed_records().
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Programme, Session
from roundtable.evaluation import framework_services as services
from roundtable.evaluation.models import (
    Aim,
    Evidence,
    FeedbackRequest,
    FeedbackResponse,
    Indicator,
    IndicatorValue,
    SignificantChangeStory,
)
from roundtable.records.models import PUBLIC_CONSENTS, Output

PROGRAMME_SLUG = "building-the-centre-together"
SEED = 5_2026

# (title, metric or "", unit, [(months ago, value, source)])
IndicatorSeed = tuple[str, str, str, list[tuple[int, int, str]]]

AIMS: list[tuple[bool, str, str, list[IndicatorSeed]]] = [
    # (programme?, title, what it would look like, [(title, metric or "", unit, [(months ago, value, source)])])
    (
        False,
        "Everyone's voice is heard and counts",
        "People of every background say their voice was heard and that it was about things that matter to them. "
        "Nobody leaves a session because it was not accessible to them.",
        [
            ("Was your voice heard? (average)", "cube_voice_heard", "", []),
            ("Was it about things that matter to you? (average)", "cube_things_that_matter", "", []),
            ("How people feel after a session", "feeling", "", []),
            ("Access needs met", "access_needs_met", "", []),
        ],
    ),
    (
        False,
        "The Centre reaches people who are seldom heard",
        "Each session has newcomers as well as people who keep coming back, and the mix of perspectives is broad: "
        "patients, carers, community members, students and researchers side by side.",
        [
            ("Newcomers", "newcomers", "", []),
            ("People coming back within six months", "returning_6m", "", []),
            ("Diversity of perspectives", "perspectives_diversity", "", []),
            ("Different people taking part", "people_reached", "", []),
        ],
    ),
    (
        True,
        "What we decide together leads to visible change",
        "Every decision made in a session has actions with an owner, most are done within three months, and people "
        "hear what happened. Research teams change their plans because of what they heard.",
        [
            ("Actions done", "actions_done", "", []),
            ("Days from session to action done (median)", "actions_days_to_done", "", []),
            (
                "Pilot projects funded",
                "",
                "projects",
                [(10, 1, "Funding panel minutes"), (6, 2, "Funding panel minutes"), (2, 4, "Funding panel minutes")],
            ),
            (
                "Research teams who changed their plans after a session",
                "",
                "teams",
                [(8, 1, "Follow-up calls with research teams"), (3, 3, "Follow-up calls with research teams")],
            ),
        ],
    ),
]

STORIES = [
    # (title, body, attribution, level, kind)
    (
        "“I was listened to, not talked at”",
        "For the first time in a research meeting I was listened to, not talked at. Nobody asked me what my job was.",
        "Amara",
        "individual",
        "feeling",
    ),
    (
        "The hospital trust changed its leaflet",
        "After the session on waiting lists, the trust rewrote its leaflet with three of the people who came.",
        "",
        "organisation",
        "story",
    ),
]

CHANGE_STORIES = [
    # (title, story, domain, told by, level, selected by, why)
    (
        "Changing the consent form",
        "We spent an afternoon rewriting the consent form with Play-Doh and sticky notes. "
        "The research team now uses our version in two studies, and people say it is the first one they understood.",
        "How research is done",
        "Kofi",
        "wider",
        "The steering group",
        "It shows a decision made in a session changing practice beyond the Centre.",
    ),
    (
        "Coming back",
        "I came once and nearly did not come back. The buddy scheme meant someone knew my name the "
        "second time. Now I am a buddy myself.",
        "How people feel about taking part",
        "",
        "individual",
        "",
        "",
    ),
]

ACCESS_COMMENTS = [
    "The hearing loop was not switched on until after the break.",
    "The quiet room was locked for the first hour.",
    "Large print agenda came late.",
]
WENT_WELL = [
    "Working with the Play-Doh: it made it easy to say things.",
    "Everyone got a turn to speak.",
    "The break and the food.",
    "Meeting researchers as equals.",
    "Hearing what happened since last time.",
]
BETTER = [
    "More time for the last activity.",
    "A microphone for the people at the back.",
    "Start a bit later.",
    "Send the agenda a week before.",
]


def _coordinator() -> User:
    return User.objects.filter(role=User.Role.COORDINATOR).order_by("id").first() or User.objects.create_user(
        email="coordinator@example.org", password=None, name="Sam", role=User.Role.COORDINATOR
    )


def _months_ago(months: int) -> date:
    today = timezone.localdate()
    return (today.replace(day=1) - timedelta(days=30 * months)).replace(day=12)


def _framework(actor: User, programme: Programme | None) -> dict[str, Aim]:
    aims = {}
    for for_programme, title, success, indicators in AIMS:
        aim = Aim.objects.filter(title=title).first() or services.aim_create(
            actor=actor, title=title, success_looks_like=success, programme=programme if for_programme else None
        )
        aims[title] = aim
        for name, metric, unit, values in indicators:
            indicator = Indicator.objects.filter(aim=aim, title=name).first() or services.indicator_create(
                aim=aim,
                actor=actor,
                fields=services.IndicatorFields(
                    title=name, kind="computed" if metric else "recorded", metric=metric, unit=unit
                ),
            )
            if indicator.values.exists():  # dates move with today, so "already there" is per indicator
                continue
            for months, value, source in values:
                services.value_record(
                    indicator=indicator,
                    actor=actor,
                    value=Decimal(value),
                    recorded_on=_months_ago(months),
                    source=source,
                )
    return aims


def _evidence(actor: User, aims: dict[str, Aim]) -> None:
    voice, reach, change = (aims[title] for _p, title, _s, _i in AIMS)
    for title, body, attribution, level, kind in STORIES:
        if not Evidence.objects.filter(title=title).exists():
            services.evidence_create(
                actor=actor,
                source="story",
                fields=services.EvidenceFields(
                    title=title,
                    body=body,
                    attribution=attribution,
                    level=level,
                    kind=kind,
                    aims=[voice, change],
                    happened_on=_months_ago(2),
                ),
            )
    # Evidence in the broadest sense: the clay figures from the record are as good as a number.
    for output in Output.objects.filter(consent__in=PUBLIC_CONSENTS, kind__in=["image", "text"]).select_related(
        "session"
    )[:2]:
        if not Evidence.objects.filter(output=output).exists():
            services.evidence_create(
                actor=actor,
                source="output",
                fields=services.EvidenceFields(
                    title=output.caption,
                    output=output,
                    level="individual",
                    kind="artefact" if output.kind == "image" else "story",
                    aims=[voice],
                ),
            )
    if not Evidence.objects.filter(title="Summary of the steering group's review").exists():
        document = SimpleUploadedFile(
            "steering-group-review.txt",
            b"Steering group review\n\nThe group looked at a year of sessions: more newcomers, a broader mix, and "
            b"every decision followed up. Next: evening sessions.\n",
            content_type="text/plain",
        )
        services.evidence_create(
            actor=actor,
            source="document",
            upload=document,
            fields=services.EvidenceFields(
                title="Summary of the steering group's review",
                level="organisation",
                kind="number",
                aims=[reach, change],
                happened_on=_months_ago(1),
            ),
        )
    if not Evidence.objects.filter(source="link").exists():
        services.evidence_create(
            actor=actor,
            source="link",
            fields=services.EvidenceFields(
                title="UK Standards for Public Involvement",
                url="https://sites.google.com/nihr.ac.uk/pi-standards/home",
                level="wider",
                kind="story",
                aims=[change],
                in_reports=False,
            ),
        )
    for title, story, domain, told_by, level, selected_by, why in CHANGE_STORIES:
        if not SignificantChangeStory.objects.filter(title=title).exists():
            services.story_create(
                actor=actor,
                fields=services.StoryFields(
                    title=title,
                    story=story,
                    domain=domain,
                    told_by=told_by,
                    level=level,
                    aim=change,
                    collected_on=_months_ago(3),
                    selected_by=selected_by,
                    selected_why=why,
                    selected_on=_months_ago(1) if selected_by else None,
                ),
            )


def _feedback(rng: random.Random) -> int:
    """Feedback on every past session that has none: most people answer, a few anonymously, and
    one paper form each. Scores drift upwards over time, as the demo's story goes."""
    # A session that ended yesterday is left to ask for itself (seed_demo sends its requests), so
    # the demo shows the participant's form as people meet it.
    yesterday = timezone.localdate() - timedelta(days=1)
    sessions = list(
        Session.objects.published()
        .filter(ends_at__date__lt=yesterday, bookings__status=Booking.Status.ATTENDED)
        .distinct()
        .order_by("starts_at")
    )
    made = 0
    for index, session in enumerate(sessions):
        lift = index / max(len(sessions) - 1, 1)  # 0 for the first session, 1 for the latest
        bookings = list(
            Booking.objects.filter(session=session, status=Booking.Status.ATTENDED)
            .select_related("person")
            .order_by("id")
        )
        sent_at = session.ends_at + timedelta(hours=18)
        for booking in bookings:
            if booking.person.email.endswith(".invalid"):
                continue
            FeedbackRequest.objects.get_or_create(
                booking=booking,
                defaults={"session": session, "sent_at": sent_at, "reminded_at": sent_at + timedelta(days=3)},
            )
        if FeedbackResponse.objects.filter(session=session).exists():
            continue
        answered = []
        for booking in bookings:
            if booking.person.email.endswith(".invalid") or rng.random() > 0.7:
                continue
            anonymous = rng.random() < 0.3
            FeedbackResponse.objects.create(
                session=session,
                person=None if anonymous else booking.person,
                anonymous=anonymous,
                submitted_on=(sent_at + timedelta(days=rng.randint(0, 4))).date(),
                **_answers(rng, lift),
            )
            answered.append(booking.pk)
            made += 1
        FeedbackRequest.objects.filter(booking_id__in=answered).update(answered=True)
        FeedbackResponse.objects.create(
            session=session,
            source="paper",
            entered_by=_coordinator(),
            submitted_on=sent_at.date(),
            **_answers(rng, lift),
        )
        made += 1
    return made


def _answers(rng: random.Random, lift: float) -> dict:
    def score() -> int:
        return max(1, min(5, round(rng.gauss(3.2 + 1.3 * lift, 0.8))))

    access = rng.choices(["yes", "partly", "no", "not_needed", ""], weights=[55, 10, 4, 25, 6])[0]
    return {
        "voice_heard": score(),
        "ways_to_contribute": score(),
        "things_that_matter": score(),
        "led_to_change": score(),
        "listened": score(),
        "feeling": score(),
        "went_well": rng.choice(WENT_WELL) if rng.random() < 0.6 else "",
        "could_be_better": rng.choice(BETTER) if rng.random() < 0.4 else "",
        "access_met": access,
        "access_comment": rng.choice(ACCESS_COMMENTS) if access in ("partly", "no") else "",
    }


@transaction.atomic
def seed_evaluation() -> dict[str, int]:
    actor = _coordinator()
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    aims = _framework(actor, programme)
    _evidence(actor, aims)
    _feedback(random.Random(SEED))
    return {
        "aims": Aim.objects.count(),
        "indicators": Indicator.objects.count(),
        "values": IndicatorValue.objects.count(),
        "evidence": Evidence.objects.count(),
        "stories": SignificantChangeStory.objects.count(),
        "feedback": FeedbackResponse.objects.count(),
    }
