"""Generated evaluation data at any size: programmes, sessions, people, bookings, feedback,
decisions and actions, aims with indicators of every metric, evidence (with real photos) and Most
Significant Change stories, and self-assessments.

    from bench.evaluation_data import generate
    generate(sessions=2_000, people=50_000, bookings=500_000, feedback=100_000)

Everything is written with bulk_create in batches (no services, no emails, no audit rows): this is
data that already happened. Deterministic for a given seed. Used by bench/bench_evaluation.py at
full size and by the report tests at two small sizes (to prove query counts do not grow).
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

BATCH = 5_000
PERSPECTIVES = ["lived_experience", "carer", "researcher", "student", "community_member", "other", "prefer_not_to_say"]
WENT_WELL = [
    "The breaks were long enough and the tea was good",
    "Working with Play-Doh made it easy to say things",
    "Everyone listened and nobody used job titles",
    "Small groups meant I could speak",
    "The Lego models were fun",
    "Clear goals at the start",
    "I felt my voice was heard",
    "Meeting carers and researchers as equals",
]
COULD_BE_BETTER = [
    "More time for the small groups",
    "The room was too warm",
    "Send the papers earlier, in large print",
    "Quieter space for breaks",
    "Captions on the slides",
    "Longer breaks please",
    "Start a bit later in the day",
]


def _photo(rng: random.Random, width: int = 1200, height: int = 900) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), tuple(rng.randrange(120, 230) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, 140)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _store_photo(rng: random.Random) -> dict:
    """A photo stored as the records app stores one: three sizes under random names."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    raw = _photo(rng)
    names = {}
    for variant, longest in (("file", 1200), ("large", 1200), ("thumb", 480)):
        image = Image.open(io.BytesIO(raw))
        image.thumbnail((longest, longest))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        names[variant] = default_storage.save(
            f"outputs/bench-{rng.getrandbits(64):016x}-{variant}.jpg", ContentFile(out.getvalue())
        )
    return {**names, "content_type": "image/jpeg", "width": 1200, "height": 900}


def generate(
    *,
    sessions: int,
    people: int,
    bookings: int,
    feedback: int,
    seed: int = 5,
    photos: int = 6,
    end: date | None = None,
    years: float = 5.0,
    progress=None,
) -> dict:
    """Write the data; returns the coordinator and counts. `end` is the last session day (default
    yesterday); sessions spread evenly back over `years`."""
    from django.db import transaction
    from django.utils import timezone

    from roundtable.accounts.models import User
    from roundtable.bookings.models import Booking
    from roundtable.cocreation.models import Programme, Session, Venue
    from roundtable.evaluation.indicators import METRICS
    from roundtable.evaluation.models import (
        Aim,
        Evidence,
        FeedbackResponse,
        Indicator,
        IndicatorValue,
        SelfAssessment,
        SignificantChangeStory,
        Standard,
        StandardRating,
    )
    from roundtable.people.models import Person
    from roundtable.records.models import Action, Consent, Decision, Output

    say = progress or (lambda message: None)
    rng = random.Random(seed)
    zone = timezone.get_default_timezone()
    end = end or (timezone.localdate() - timedelta(days=1))
    span_days = max(int(365 * years), 1)

    with transaction.atomic():
        coordinator = User.objects.filter(email="bench-coordinator@example.org").first() or User.objects.create_user(
            email="bench-coordinator@example.org", password=None, name="Bench Coordinator", role=User.Role.COORDINATOR
        )
        programmes = [
            Programme.objects.create(
                name=name, slug=f"{slug}-{seed}-{rng.getrandbits(20)}", summary=f"{name}: co-creation with the public."
            )
            for name, slug in [
                ("Building the Centre together", "building"),
                ("Research with communities", "communities"),
                ("Health services we want", "services"),
                ("Young people's panel", "young"),
            ]
        ]
        venues = [Venue.objects.create(name=f"Venue {n}", address=f"{n} Example Street\nLondon") for n in range(1, 6)]

        say(f"sessions: {sessions:,}")
        rows = []
        for n in range(sessions):
            day = end - timedelta(days=round(n * span_days / max(sessions, 1)))
            starts = timezone.make_aware(datetime(day.year, day.month, day.day, 13, 30), zone)
            status: str = Session.Status.CANCELLED if rng.random() < 0.03 else Session.Status.PUBLISHED
            rows.append(
                Session(
                    title=f"Co-creation session {n + 1}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    venue=rng.choice(venues),
                    programme=rng.choice(programmes),
                    capacity=300,
                    status=status,
                    goals="Think about the big picture\nAgree what evidence to collect",
                )
            )
        session_objs = Session.objects.bulk_create(rows, batch_size=BATCH)

        say(f"people: {people:,}")
        person_rows: list[Person] = []
        for n in range(people):
            picks = (
                rng.sample(PERSPECTIVES[:-1], k=rng.choice([0, 1, 1, 1, 2]))
                if rng.random() > 0.05
                else ["prefer_not_to_say"]
            )
            person_rows.append(Person(email=f"p{seed}-{n}@bench.example.org", name=f"Person {n}", perspectives=picks))
        person_ids = [p.pk for p in Person.objects.bulk_create(person_rows, batch_size=BATCH)]
        if person_ids[0] is None:  # backends that do not return ids from bulk inserts
            person_ids = list(
                Person.objects.filter(email__endswith="@bench.example.org").order_by("id").values_list("id", flat=True)
            )

        say(f"bookings: {bookings:,}")
        per_session = max(bookings // max(sessions, 1), 1)
        attended: list[tuple[int, int]] = []
        made = 0
        booking_rows: list[Booking] = []
        for session in session_objs:
            count = min(per_session, bookings - made, len(person_ids))
            if count <= 0:
                break
            for person_id in rng.sample(person_ids, count):
                roll = rng.random()
                status = (
                    "attended"
                    if roll < 0.72
                    else "no_show"
                    if roll < 0.82
                    else "cancelled"
                    if roll < 0.95
                    else "confirmed"
                )
                booking_rows.append(Booking(session_id=session.pk, person_id=person_id, status=status))
                if status == "attended" and session.status == Session.Status.PUBLISHED:
                    attended.append((session.pk, person_id))
            made += count
            if len(booking_rows) >= BATCH:
                Booking.objects.bulk_create(booking_rows, batch_size=BATCH)
                booking_rows = []
        Booking.objects.bulk_create(booking_rows, batch_size=BATCH)

        say(f"feedback: {feedback:,}")
        starts_of = {s.pk: s.starts_at for s in session_objs}
        feedback_rows: list[FeedbackResponse] = []
        for session_id, person_id in rng.sample(attended, min(feedback, len(attended))):
            anonymous = rng.random() < 0.3
            scores = {
                name: rng.choice([2, 3, 4, 4, 5, 5, None])
                for name in ("voice_heard", "ways_to_contribute", "things_that_matter", "led_to_change", "feeling")
            }
            feedback_rows.append(
                FeedbackResponse(
                    session_id=session_id,
                    person_id=None if anonymous else person_id,
                    anonymous=anonymous,
                    source="paper" if rng.random() < 0.1 else "online",
                    **scores,
                    went_well=rng.choice(WENT_WELL) if rng.random() < 0.6 else "",
                    could_be_better=rng.choice(COULD_BE_BETTER) if rng.random() < 0.4 else "",
                    access_met=rng.choice(["yes", "yes", "yes", "partly", "no", "not_needed", ""]),
                    submitted_on=timezone.localtime(starts_of[session_id]).date() + timedelta(days=2),
                )
            )
            if len(feedback_rows) >= BATCH:
                FeedbackResponse.objects.bulk_create(feedback_rows, batch_size=BATCH)
                feedback_rows = []
        FeedbackResponse.objects.bulk_create(feedback_rows, batch_size=BATCH)

        say("decisions and actions")
        decisions = Decision.objects.bulk_create(
            [
                Decision(
                    session=s,
                    title=f"Decision {d + 1} of {s.title}",
                    method=rng.choice(["consensus", "dot_voting", "show_of_hands"]),
                    took_part={"carer": rng.randrange(1, 8), "researcher": rng.randrange(1, 8)},
                    position=d,
                )
                for s in session_objs
                if s.status == Session.Status.PUBLISHED
                for d in range(2)
            ],
            batch_size=BATCH,
        )
        actions = []
        for decision in decisions:
            for a in range(2):
                status = rng.choice(["done", "done", "in_progress", "planned", "not_doing"])
                changed = decision.session.starts_at + timedelta(days=rng.randrange(3, 120))
                actions.append(
                    Action(
                        decision=decision,
                        title=f"Action {a + 1} for {decision.title}",
                        status=status,
                        outcome="We changed the plan as the group asked." if status == "done" else "",
                        not_doing_reason="Out of our hands." if status == "not_doing" else "",
                        status_changed_at=changed if status in ("done", "not_doing") else None,
                        owner=coordinator,
                        due_on=(changed + timedelta(days=14)).date(),
                    )
                )
        Action.objects.bulk_create(actions, batch_size=BATCH)

        say("aims, indicators, evidence")
        aims = [
            Aim.objects.create(
                title="Everyone's voice counts",
                position=1,
                success_looks_like="People of every background come, come back, and say their voice was heard.",
            ),
            Aim.objects.create(
                title="What we decide together happens",
                position=2,
                success_looks_like="Actions from sessions are done quickly and people hear what changed.",
            ),
            Aim.objects.create(
                title="Sessions anyone can take part in",
                position=3,
                success_looks_like="Everyone's access needs are met and people leave feeling good.",
            ),
            Aim.objects.create(
                title="The Centre is built with the public",
                position=4,
                programme=programmes[0],
                success_looks_like="Pilot projects are chosen and run with the public.",
            ),
        ]
        metric_sets = [
            ["attendance", "people_reached", "newcomers", "returning_6m", "perspectives_diversity", "cube_voice_heard"],
            ["actions_done", "actions_days_to_done", "cube_led_to_change"],
            ["access_needs_met", "feeling", "feedback_responses"],
            ["sessions_held", "perspectives_breadth"],
        ]
        position = 0
        for aim, codes in zip(aims, metric_sets, strict=True):
            for code in codes:
                position += 1
                Indicator.objects.create(
                    aim=aim, title=METRICS[code].label, kind="computed", metric=code, position=position
                )
        recorded = Indicator.objects.create(
            aim=aims[3], title="Pilot projects funded", kind="recorded", unit="projects", position=99
        )
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    indicator=recorded,
                    value=Decimal(n + 1),
                    recorded_on=end - timedelta(days=60 * (8 - n)),
                    source="Funding panel minutes",
                )
                for n in range(8)
            ]
        )

        recent = [s for s in session_objs[:60] if s.status == Session.Status.PUBLISHED]
        evidence = []
        for n in range(photos):
            stored = _store_photo(rng)
            output = Output.objects.create(
                session=recent[n % len(recent)],
                kind="image",
                caption=f"Play-Doh sculpture {n + 1}",
                alt_text=f"A clay sculpture of a question mark with squiggly lines around it, number {n + 1}",
                consent=Consent.EVERYONE_AGREED,
                **stored,
            )
            evidence.append(
                Evidence(
                    source="output",
                    output=output,
                    title=f"Radiating questions {n + 1}",
                    level="individual",
                    kind="artefact",
                    happened_on=timezone.localtime(output.session.starts_at).date(),
                    session=output.session,
                )
            )
        for n in range(30):
            evidence.append(
                Evidence(
                    source="story",
                    title=f"What changed for me {n + 1}",
                    body="I came as a carer and left as a co-researcher. " * 3,
                    attribution=rng.choice(["", "Sam", "A carer"]),
                    level=rng.choice(["individual", "organisation", "wider"]),
                    kind=rng.choice(["story", "feeling"]),
                    happened_on=end - timedelta(days=rng.randrange(0, 700)),
                )
            )
        evidence = Evidence.objects.bulk_create(evidence)
        Through = Evidence.aims.through
        Through.objects.bulk_create([Through(evidence_id=e.pk, aim_id=aims[n % 3].pk) for n, e in enumerate(evidence)])
        SignificantChangeStory.objects.bulk_create(
            [
                SignificantChangeStory(
                    aim=aims[n % 3],
                    title=f"A change that mattered {n + 1}",
                    story="The way the trial letters were written changed. " * 4,
                    domain="How research is done",
                    collected_on=end - timedelta(days=30 * n),
                    selected_by="the steering group" if n % 2 == 0 else "",
                    selected_why="It shows the whole loop." if n % 2 == 0 else "",
                )
                for n in range(6)
            ]
        )
        for n, when in enumerate([end - timedelta(days=365), end - timedelta(days=180), end - timedelta(days=20)]):
            if SelfAssessment.objects.filter(assessed_on=when).exists():
                continue  # one assessment per date, when a second world is generated into the same database
            assessment = SelfAssessment.objects.create(
                assessed_on=when, notes="Agreed at the team away day.", created_by=coordinator
            )
            StandardRating.objects.bulk_create(
                [
                    StandardRating(
                        assessment=assessment,
                        standard=code,
                        rating=min(4, 1 + (i + n) % 3 + n // 2),
                        reflection="What shows it: examples from sessions.",
                        follow_up="Try a new approach.",
                    )
                    for i, code in enumerate(Standard.values)
                ]
            )
    return {
        "coordinator": coordinator,
        "programmes": programmes,
        "aims": aims,
        "sessions": len(session_objs),
        "people": len(person_ids),
        "bookings": made,
        "feedback": min(feedback, len(attended)),
    }
