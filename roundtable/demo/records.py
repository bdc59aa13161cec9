"""Demo records: outputs (with real small pictures drawn here), decisions and actions in every
status for the demo programme's past sessions. `seed_demo` calls seed_records() after it has made
the sessions and bookings; it is idempotent (outputs are found by caption, decisions by title,
actions by title) and sends nobody an email.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from roundtable.accounts.models import User
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Programme, Session
from roundtable.demo.data import PAST_SUMMARIES
from roundtable.people.models import Person
from roundtable.records import services
from roundtable.records.models import Action, Decision, Output, StoryChoice, UpdateBatch

PROGRAMME_SLUG = "building-the-centre-together"
COORDINATOR_EMAIL = "coordinator@example.org"


# --- Pictures and sound, made rather than shipped ---------------------------------------------


def _clay_figures() -> bytes:
    image = Image.new("RGB", (960, 720), (236, 228, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, 960, 720), fill=(168, 132, 96))
    for x, colour, scale in ((250, (29, 112, 184), 1.0), (480, (244, 119, 56), 0.8), (700, (0, 112, 60), 1.1)):
        h = int(220 * scale)
        draw.ellipse((x - 60, 560 - h - 120, x + 60, 560 - h), fill=colour)  # head
        draw.rounded_rectangle((x - 80, 560 - h, x + 80, 560), radius=40, fill=colour)  # body
    draw.line((330, 430, 400, 450), fill=(29, 112, 184), width=24)  # two figures holding hands
    return _encode(image, "JPEG")


def _sticky_notes() -> bytes:
    image = Image.new("RGB", (960, 720), (243, 242, 241))
    draw = ImageDraw.Draw(image)
    colours = [(255, 221, 0), (255, 191, 71), (133, 153, 76), (86, 148, 202), (212, 53, 28)]
    for row in range(3):
        for col in range(5):
            x, y = 60 + col * 175, 60 + row * 210
            draw.rectangle((x, y, x + 150, y + 150), fill=colours[(row + col) % len(colours)])
            for line in range(3):
                draw.line((x + 15, y + 35 + line * 35, x + 135, y + 35 + line * 35), fill=(11, 12, 12), width=5)
    return _encode(image, "PNG")


def _journey_map() -> bytes:
    image = Image.new("RGB", (960, 640), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    points = [(80 + i * 100, 320 + int(140 * math.sin(i / 1.3))) for i in range(9)]
    draw.line(points, fill=(11, 61, 92), width=14, joint="curve")
    for x, y in points:
        draw.ellipse((x - 22, y - 22, x + 22, y + 22), fill=(244, 119, 56), outline=(11, 61, 92), width=6)
    return _encode(image, "WEBP")


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, quality=85)
    return out.getvalue()


def _chime() -> bytes:
    """One second of a soft two-note chime, as a WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        frames = b"".join(
            struct.pack("<h", int(6000 * math.sin(2 * math.pi * (523 if n < 4000 else 659) * n / 8000)))
            for n in range(8000)
        )
        wav.writeframes(frames)
    return out.getvalue()


# --- What the sessions made and decided -------------------------------------------------------

OUTPUTS = [
    # (session index, kind, caption, consent, credit, extra fields, file maker, filename)
    (
        0,
        "image",
        "Our hopes for the Centre, in clay",
        "no_one_identifiable",
        "Amara",
        {
            "alt_text": "Three clay figures, blue, orange and green, standing in a row on a wooden table; "
            "the blue one holds hands with the orange one."
        },
        _clay_figures,
        "clay.jpg",
    ),
    (
        0,
        "text",
        "What co-production means to me",
        "everyone_agreed",
        "Kofi",
        {"body": "It means I am not the subject of the research. I am one of the people doing it."},
        None,
        "",
    ),
    (
        0,
        "image",
        "Everyone around the big table",
        "private",
        "",
        {"alt_text": "The whole group around a table covered in paper, faces visible."},
        _clay_figures,
        "group.jpg",
    ),
    (
        1,
        "image",
        "The sticky-note wall of ideas",
        "no_one_identifiable",
        "",
        {
            "alt_text": "Fifteen sticky notes in yellow, orange, green, blue and red, arranged in three rows "
            "on a grey wall, each with handwriting."
        },
        _sticky_notes,
        "notes.png",
    ),
    (
        1,
        "image",
        "A journey through the Centre",
        "everyone_agreed",
        "Priya",
        {
            "alt_text": "A winding dark blue line drawn across white paper, with nine orange circles marking "
            "the stops on someone's journey."
        },
        _journey_map,
        "journey.webp",
    ),
    (
        1,
        "audio",
        "Wren on why the breaks matter",
        "everyone_agreed",
        "Wren",
        {"transcript": "The breaks are when I catch my breath. Without them I could not stay the whole afternoon."},
        _chime,
        "wren.wav",
    ),
    (
        1,
        "text",
        "A note left on the table",
        "private",
        "",
        {"body": "Please don't share this: the parking was a real problem for me today."},
        None,
        "",
    ),
]

DECISIONS = [
    # (session index, title, question, options, method, votes, took part, actions)
    (
        0,
        "Sessions will include a break at least every hour",
        "How can sessions work for people who tire easily?",
        "A break every hour\nShorter sessions\nA quiet room only",
        "consensus",
        [],
        {"lived_experience": 7, "carer": 4, "researcher": 5, "community_member": 3},
        [
            (
                "Build an hourly break into every agenda template",
                "done",
                40,
                "",
                "Every agenda since has a break at least every hour, and the quiet room is open all day.",
            ),
            (
                "Tell venues we need a quiet room kept free",
                "done",
                30,
                "",
                "Both venues now keep a side room free for us.",
            ),
        ],
    ),
    (
        0,
        "Newcomers get a buddy on their first visit",
        "How should someone new be welcomed?",
        "A buddy\nA welcome pack\nA phone call before the day",
        "dot_voting",
        [
            {"option": "A buddy", "count": 19},
            {"option": "A welcome pack", "count": 11},
            {"option": "A phone call before the day", "count": 6},
        ],
        {"lived_experience": 6, "carer": 3, "student": 2, "community_member": 4},
        [
            ("Find volunteer buddies for the next three sessions", "in_progress", -10, "", ""),
            ("Write a one-page buddy guide", "planned", 30, "", ""),
        ],
    ),
    (
        1,
        "Pay people for their time in cash or vouchers, as they choose",
        "How should the Centre thank people for their time?",
        "Vouchers only\nCash or vouchers\nA donation to a charity",
        "show_of_hands",
        [{"option": "Cash or vouchers", "count": 17}, {"option": "Vouchers only", "count": 3}],
        {"lived_experience": 8, "carer": 3, "researcher": 4, "community_member": 5},
        [
            (
                "Agree a payment policy with the finance team",
                "done",
                20,
                "",
                "From next month everyone can choose cash (paid on the day) or a voucher.",
            ),
            (
                "Offer payment for travel time too",
                "not_doing",
                25,
                "The funder's rules do not allow it this year; we have asked them to change this next year.",
                "",
            ),
        ],
    ),
    (
        1,
        "Hold some sessions in the evening",
        "When should sessions happen?",
        "Weekday afternoons\nWeekday evenings\nSaturday mornings",
        "consent_based",
        [],
        {"lived_experience": 5, "carer": 5, "student": 3, "other": 2},
        [("Trial two evening sessions next season", "planned", 60, "", "")],
    ),
]


def _coordinator() -> User:
    user = (
        User.objects.filter(email=COORDINATOR_EMAIL).first() or User.objects.filter(role=User.Role.COORDINATOR).first()
    )
    if user is None:
        user = User.objects.create_user(email=COORDINATOR_EMAIL, password=None, name="Sam", role=User.Role.COORDINATOR)
    return user


def _past_sessions(programme: Programme) -> list[Session]:
    """The programme's two earliest past sessions with check-ins (seed_demo makes them); when run
    on its own, two are made here so the records have somewhere to live."""
    sessions = list(
        Session.objects.published()
        .filter(programme=programme, ends_at__lt=timezone.now(), bookings__status=Booking.Status.ATTENDED)
        .distinct()
        .order_by("starts_at")[:2]
    )
    if len(sessions) >= 2:
        return sessions
    from roundtable.cocreation.models import Venue

    venue = Venue.objects.first() or Venue.objects.create(name="Kingsway Community Hall", address="12 Kingsway\nLondon")
    now = timezone.now().replace(hour=13, minute=30, second=0, microsecond=0)
    for n, (title, days) in enumerate(
        (("Getting to know each other", 120), ("What does co-production mean to us?", 75))
    ):
        session, _ = Session.objects.get_or_create(
            programme=programme,
            title=title,
            defaults={
                "venue": venue,
                "starts_at": now - timedelta(days=days),
                "ends_at": now - timedelta(days=days) + timedelta(hours=3),
                "status": Session.Status.PUBLISHED,
                "summary": PAST_SUMMARIES[title],
            },
        )
        for i in range(12):
            person, _ = Person.objects.get_or_create(
                email=f"records.demo.{i}@example.org",
                defaults={
                    "name": f"Demo person {i + 1}",
                    "perspectives": [["lived_experience"], ["carer"], ["researcher"]][i % 3],
                },
            )
            if i >= 4 * n:
                Booking.objects.get_or_create(
                    session=session, person=person, defaults={"status": Booking.Status.ATTENDED}
                )
        sessions.append(session)
    return sorted({s.pk: s for s in sessions}.values(), key=lambda s: s.starts_at)[:2]


@transaction.atomic
def seed_records() -> dict[str, int]:
    programme, _ = Programme.objects.get_or_create(
        slug=PROGRAMME_SLUG, defaults={"name": "Building the Centre together"}
    )
    actor = _coordinator()
    sessions = _past_sessions(programme)
    batches_before = set(UpdateBatch.objects.values_list("id", flat=True))
    today = timezone.localdate()

    for index, kind, caption, consent, credit, extra, make, filename in OUTPUTS:
        session = sessions[index]
        if Output.objects.filter(session=session, caption=caption).exists():
            continue
        upload = SimpleUploadedFile(filename, make()) if make else None
        services.output_create(
            session=session,
            actor=actor,
            kind=kind,
            caption=caption,
            consent=consent,
            credit=credit,
            upload=upload,
            **extra,
        )

    for index, title, question, options, method, votes, took_part, actions in DECISIONS:
        session = sessions[index]
        decision = Decision.objects.filter(session=session, title=title).first() or services.decision_create(
            session=session,
            actor=actor,
            title=title,
            question=question,
            options=options,
            method=method,
            votes=votes,
            took_part=took_part,
        )
        for action_title, status, due_in_days, reason, outcome in actions:
            if Action.objects.filter(decision=decision, title=action_title).exists():
                continue
            services.action_create(
                decision=decision,
                actor=actor,
                title=action_title,
                owner=actor,
                due_on=today + timedelta(days=due_in_days),
                status=status,
                not_doing_reason=reason,
                outcome=outcome,
            )

    # These actions were finished long ago in the story the demo tells: nobody is emailed about them.
    UpdateBatch.objects.exclude(id__in=batches_before).delete()

    # A few people who came asked to hear back, so changing an action in the demo sends an update.
    attendee_ids = list(
        Booking.objects.filter(session__in=sessions, status=Booking.Status.ATTENDED)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()[:5]
    )
    Person.objects.filter(id__in=attendee_ids).update(wants_updates=True)

    upcoming = (
        Session.objects.published()
        .filter(programme=programme, ends_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    first_decision = Decision.objects.filter(session=sessions[0]).order_by("position", "id").first()
    if upcoming and first_decision:
        StoryChoice.objects.get_or_create(
            session=upcoming,
            decision=first_decision,
            defaults={"choice": StoryChoice.Choice.PINNED, "updated_by": actor},
        )
    return {
        "outputs": Output.objects.filter(session__in=sessions).count(),
        "decisions": Decision.objects.filter(session__in=sessions).count(),
        "actions": Action.objects.filter(decision__session__in=sessions).count(),
    }
