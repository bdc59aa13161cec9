"""Demo data rich enough to show everything: `python manage.py seed_demo`.

Idempotent: every object is found by a natural key (programme slug, venue name, session title,
person email, user email, (session, person) for bookings) and only created when missing, so
running it twice duplicates nothing. Session dates are recomputed from today on every run, so
the demo always has upcoming sessions; a session never changes side (past stays past), so its
bookings stay believable. A fixed random seed makes every run pick the same people.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.board.models import Board, Stage
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_cancel, booking_create
from roundtable.cocreation.models import AgendaItem, Programme, Session, Venue
from roundtable.core.models import OutboundEmail
from roundtable.demo.board import OPEN_QUESTION
from roundtable.demo.data import (
    ACCESS_NEEDS,
    DIETARY,
    FAMILY_NAMES,
    FIRST_NAMES,
    HEARD_ABOUT,
    INTERESTS,
    PAST_SUMMARIES,
    PERSPECTIVES,
    PRONOUNS,
    VENUES,
)
from roundtable.demo.extras import seed_other_parts, seed_team_tools
from roundtable.evaluation.feedback import SEND_FROM_HOUR, send_due_requests
from roundtable.people.services import person_upsert

LONDON = ZoneInfo("Europe/London")
SEED = 20261129
COORDINATOR_EMAIL = "coordinator@example.org"
FACILITATOR_EMAIL = "facilitator@example.org"
PROGRAMME_SLUG = "building-the-centre-together"


@dataclass
class Plan:
    """One session and the people who book it; all chosen before the database is touched,
    so every run makes the same random choices."""

    title: str
    venue: int
    start: datetime
    hours: float
    capacity: int
    summary: str
    goals: list[str]
    status: str = Session.Status.PUBLISHED
    signup_opens_at: datetime | None = None
    bookers: list[int] = field(default_factory=list)
    cancel_first: int = 0  # upcoming: confirmed bookings the participant later cancels
    past_outcomes: list[str] = field(default_factory=list)  # past: one status per booker


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def clock_changes(start: date, end: date) -> list[date]:
    """The days Europe/London changes its UTC offset between start and end."""
    changes = []
    day = start
    while day < end:
        if _at(day, 12).utcoffset() != _at(day + timedelta(days=1), 12).utcoffset():
            changes.append(day + timedelta(days=1))
        day += timedelta(days=1)
    return changes


def _agenda(hours: float) -> list[tuple[int, str, str, bool]]:
    """(minutes after the start, title, description, is it a break)."""
    end = int(hours * 60)
    return [
        (
            0,
            "Welcome, and the story so far",
            "Tea on arrival. What earlier sessions decided and what happened next.",
            False,
        ),
        (25, "Getting to know each other", "A gentle warm-up in pairs. You can pass at any time.", False),
        (end // 2 - 15, "Break", "Drinks and snacks. The quiet space is open.", True),
        (end // 2 + 5, "Working together", "Small groups, with paper, clay, sticky notes or just talking.", False),
        (end - 40, "What we decided together", "Each group shares; we agree what to take forward.", False),
        (end - 10, "Close and what happens next", "How we will tell you what changed because of today.", False),
    ]


def build_plans(today: date, rng: random.Random, people: int) -> list[Plan]:
    pick = lambda k: rng.sample(range(people), k)  # noqa: E731
    upcoming_change = next(iter(clock_changes(today + timedelta(days=5), today + timedelta(days=200))), None)
    past_changes = clock_changes(today - timedelta(days=200), today - timedelta(days=3))
    plans = [
        Plan(
            "Where should the Centre's money go?",
            0,
            _at(today + timedelta(days=9), 13, 30),
            3,
            30,
            "We share the Centre's budget for next year and decide together what matters most.",
            ["Understand where the money goes now", "Agree three priorities for next year"],
            bookers=pick(18),
            cancel_first=2,
        ),
        Plan(
            "Designing our welcome pack together",
            1,
            _at(today + timedelta(days=16), 10, 30),
            2.5,
            20,
            "What should someone new to the Centre be told, and how? We draft the welcome pack.",
            ["List what newcomers wish they had known", "Draft the pack's first pages"],
            bookers=pick(27),
            cancel_first=1,
        ),
        Plan(
            "Creative evidence: making with clay",
            2,
            _at(today + timedelta(days=23), 14),
            2,
            12,
            "We make small sculptures about what taking part has meant to us, and caption them.",
            ["Try a creative way of showing impact", "Agree how photos of our work may be used"],
            bookers=pick(8),
        ),
        Plan(
            "Measuring what matters to us",
            0,
            _at(today + timedelta(days=45), 13, 30),
            3,
            30,
            "Which changes should the Centre count, and which stories should it tell?",
            ["Choose the indicators we care about", "Plan how to gather stories as evidence"],
            signup_opens_at=_at(today + timedelta(days=10), 9),
        ),
        Plan(
            "Planning the next season together",
            0,
            _at((upcoming_change or today + timedelta(days=60)) + timedelta(days=2), 13, 30),
            3,
            30,
            "We look back at the season and plan the sessions for the next one.",
            ["Review what we said and what the Centre did", "Plan the next season's sessions"],
            bookers=pick(10),
        ),
        Plan(
            "Young carers' voices",
            1,
            _at(today + timedelta(days=70), 16),
            2,
            15,
            "A session planned with young carers, for young carers. Still being written.",
            ["Hear from young carers first"],
            status=Session.Status.DRAFT,
        ),
    ]
    past = [
        ("Getting to know each other", 0, today - timedelta(days=120), 22),
        ("What does co-production mean to us?", 1, today - timedelta(days=75), 16),
        ("The story so far", 0, today - timedelta(days=20), 24),
        # Ended yesterday: its feedback requests go out when the demo is seeded (see below).
        ("Planning the Centre's evaluation", 0, today - timedelta(days=1), 14),
    ]
    if past_changes:
        past.append(("Agreeing our shared values", 0, past_changes[-1] + timedelta(days=2), 19))
    past_bookers = [pick(count) for _title, _venue, _day, count in past]
    # Everyone in the demo has booked something: whoever no session picked came to an earlier one.
    picked = {i for plan in plans for i in plan.bookers} | {i for group in past_bookers for i in group}
    for n, index in enumerate(sorted(set(range(people)) - picked)):
        group = past_bookers[n % len(past_bookers)]
        if len(group) < 30:
            group.append(index)
    for (title, venue, day, _count), bookers in zip(past, past_bookers, strict=True):
        outcomes = rng.choices(["attended", "no_show", "cancelled"], weights=[80, 12, 8], k=len(bookers))
        plans.append(
            Plan(
                title,
                venue,
                _at(day, 13, 30),
                3,
                30,
                PAST_SUMMARIES[title],
                ["Get to know each other", "Agree how we work together"],
                bookers=bookers,
                past_outcomes=outcomes,
            )
        )
    return plans


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace("'", "")


def build_people(rng: random.Random, count: int = 80) -> list[dict]:
    firsts = rng.sample(FIRST_NAMES, count)
    families = [rng.choice(FAMILY_NAMES) for _ in range(count)]
    people = []
    for n, (first, family) in enumerate(zip(firsts, families, strict=True)):
        # Some people go by one name only: it is the name they chose to be called.
        name = first if n % 7 == 3 else f"{first} {family}"
        people.append(
            {
                "email": f"{_ascii(first)}.{_ascii(family)}.{n}@example.org",
                "name": name,
                "pronouns": rng.choice(PRONOUNS) if rng.random() < 0.55 else "",
                "interests": ", ".join(rng.sample(INTERESTS, rng.randint(1, 3))) if rng.random() < 0.8 else "",
                "perspectives": rng.sample(PERSPECTIVES, rng.randint(1, 2)) if rng.random() < 0.75 else [],
                "access_needs": rng.choice(ACCESS_NEEDS) if rng.random() < 0.2 else None,
                "dietary": rng.choice(DIETARY) if rng.random() < 0.25 else ([], ""),
                "heard_about": rng.choice(HEARD_ABOUT),
            }
        )
    return people


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the coordinator's sign-in."

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(SEED)
        people = build_people(rng)
        plans = build_plans(timezone.localdate(timezone=LONDON), rng, len(people))
        first_outbox_id = (OutboundEmail.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        demo_emails = {p["email"] for p in people}

        with transaction.atomic():
            password = self._users()
            programme, _ = Programme.objects.get_or_create(
                slug=PROGRAMME_SLUG,
                defaults={
                    "name": "Building the Centre together",
                    "summary": "Patients, carers, community members and researchers shape what the Centre "
                    "does, how it works and how it shows the difference it makes.",
                },
            )
            venues = [Venue.objects.get_or_create(name=v["name"], defaults=v)[0] for v in VENUES]
            for plan in plans:
                session = self._session(plan, programme, venues)
                if plan.past_outcomes:
                    self._past_bookings(session, plan, people)
                else:
                    self._upcoming_bookings(session, plan, people)
        self._discard_demo_emails(first_outbox_id, demo_emails)
        seed_team_tools(programme)
        seed_other_parts()
        asked = self._ask_for_feedback()

        self.stdout.write(
            f"Demo data ready: {Session.objects.filter(programme=programme).count()} sessions, "
            f"{len(people)} people, {Booking.objects.filter(session__programme=programme).count()} bookings."
        )
        self.stdout.write(f"Coordinator sign-in: {COORDINATOR_EMAIL} / password: {password}")
        board = Board.objects.filter(stage=Stage.COLLECTING, question=OPEN_QUESTION).first()
        if board is not None:
            self.stdout.write(
                f"A live board collecting ideas: code {board.code} (join with POST /api/boards/{board.code}/join)."
            )
        if asked:
            self.stdout.write(
                f"Feedback requests for yesterday's session: {asked} emails, in {settings.EMAIL_FILE_PATH} "
                "once the mailer has sent them (each holds a link to the participant's feedback form)."
                if getattr(settings, "EMAIL_FILE_PATH", None)
                else f"Feedback requests for yesterday's session: {asked} emails queued."
            )

    def _ask_for_feedback(self) -> int:
        """Yesterday's session asks the people who came for feedback, as it would the morning
        after, so the participant's feedback form can be reached from the emails (the only way
        in). Asking is once per booking, so seeding again sends nothing more."""
        now = timezone.localtime()
        if now.hour < SEND_FROM_HOUR:
            now = now.replace(hour=SEND_FROM_HOUR, minute=0)
        return send_due_requests(now)

    def _users(self) -> str:
        """The demo password is made once and kept in var/, and set on every run so the printed
        one always works (even after someone changed it in the demo)."""
        path = settings.VAR_DIR / "demo_password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(12))
            path.chmod(0o600)
        password = path.read_text().strip()
        for email, name, pronouns, role, staff in [
            (COORDINATOR_EMAIL, "Sam", "they/them", User.Role.COORDINATOR, True),
            (FACILITATOR_EMAIL, "Alex", "he/him", User.Role.FACILITATOR, False),
        ]:
            user, _ = User.objects.get_or_create(
                email=email,
                defaults={"name": name, "pronouns": pronouns, "role": role, "is_staff": staff},
            )
            user.set_password(password)
            user.is_active = True
            # Coordinators are a role on the account; nothing in the product needs a superuser.
            user.is_superuser = False
            user.save()
        return password

    def _session(self, plan: Plan, programme: Programme, venues: list[Venue]) -> Session:
        ends_at = plan.start + timedelta(minutes=int(plan.hours * 60))
        session, created = Session.objects.get_or_create(
            programme=programme,
            title=plan.title,
            defaults={
                "summary": plan.summary,
                "goals": "\n".join(plan.goals),
                "venue": venues[plan.venue],
                "capacity": plan.capacity,
                "status": plan.status,
                "starts_at": plan.start,
                "ends_at": ends_at,
                "signup_opens_at": plan.signup_opens_at,
            },
        )
        if not created:  # keep the demo's dates relative to today
            session.starts_at, session.ends_at, session.signup_opens_at = plan.start, ends_at, plan.signup_opens_at
            session.save(update_fields=["starts_at", "ends_at", "signup_opens_at", "updated_at"])
        local_start = plan.start.timetz().replace(tzinfo=None)
        for minutes, title, description, is_break in _agenda(plan.hours):
            at = (datetime.combine(date.today(), local_start) + timedelta(minutes=minutes)).time()
            AgendaItem.objects.get_or_create(
                session=session,
                title=title,
                defaults={"starts_at": at, "description": description, "is_break": is_break},
            )
        return session

    def _upcoming_bookings(self, session: Session, plan: Plan, people: list[dict]) -> None:
        """Through the real service, so places, the waiting list and audit entries are right."""
        created = []
        for index in plan.bookers:
            p = people[index]
            if Booking.objects.filter(session=session, person__email=p["email"]).exists():
                continue
            result = booking_create(
                session_id=session.pk,
                name=p["name"],
                email=p["email"],
                pronouns=p["pronouns"],
                interests=p["interests"],
                perspectives=p["perspectives"],
                access_needs=p["access_needs"],
                dietary_kinds=p["dietary"][0],
                dietary_needs=p["dietary"][1],
                heard_about=p["heard_about"],
            )
            created.append(result.booking)
        confirmed = [b for b in created if b.status == Booking.Status.CONFIRMED]
        for booking in confirmed[: plan.cancel_first]:
            booking_cancel(booking_id=booking.pk, reason="Something came up.")

    def _past_bookings(self, session: Session, plan: Plan, people: list[dict]) -> None:
        """booking_create rightly refuses a session that has happened, so the history of past
        sessions (attended, did not come, cancelled) is written directly."""
        for index, outcome in zip(plan.bookers, plan.past_outcomes, strict=True):
            p = people[index]
            person = person_upsert(
                email=p["email"],
                name=p["name"],
                pronouns=p["pronouns"],
                interests=p["interests"],
                perspectives=p["perspectives"],
            )
            Booking.objects.get_or_create(
                session=session,
                person=person,
                defaults={
                    "status": outcome,
                    "dietary_kinds": p["dietary"][0],
                    "dietary_needs": p["dietary"][1],
                    "heard_about": p["heard_about"],
                    "cancelled_at": session.starts_at - timedelta(days=2) if outcome == "cancelled" else None,
                },
            )

    def _discard_demo_emails(self, first_id: int, demo_emails: set[str]) -> None:
        """booking_create queues a confirmation for each demo booking. They are deleted rather
        than marked sent: the demo's outbox then shows only what someone trying the demo did, and
        the mailer does not send 80 people 200 emails."""
        OutboundEmail.objects.filter(id__gte=first_id, to__in=demo_emails).delete()
