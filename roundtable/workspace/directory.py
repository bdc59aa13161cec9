"""The coordinators' directory of people and each person's involvement history.

Reads across people, bookings, records and evaluation, so it lives in the workspace (above them
all). Query budget, pinned by tests (roundtable/workspace/tests/test_people_directory.py):

- the directory: one count and one page of rows, whatever the number of people (10 or 10,000);
  each row's sessions attended and last visit come from the same query as annotations;
- a person's history: their bookings with sessions, outputs credited to them, and the number of
  feedback forms they sent back (three queries after the person).

Feedback is counted from the requests marked answered, never from the answers themselves, so
nothing here can link an anonymous answer back to its person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.evaluation.models import FeedbackRequest
from roundtable.people.models import Person, PersonNote
from roundtable.records.models import Output
from roundtable.records.recognition import credited_outputs

# What the forgetting registry leaves of a forgotten person (people/forgetting.py): not a person
# anyone can look up any more.
FORGOTTEN_SUFFIX = "@forgotten.invalid"

NEWCOMER = "newcomer"
RETURNING = "returning"
NEVER_CAME = "never"
LAST_SEEN_MONTHS = {"3": 3, "6": 6, "12": 12}
LONGER_AGO = "longer"


def months_ago(months: int, *, now: datetime | None = None) -> datetime:
    # A month as 30.44 days: a filter for "seen lately" needs no calendar arithmetic.
    return (now or timezone.now()) - timedelta(days=round(months * 30.44))


def directory_people(
    *, query: str = "", perspective: str = "", came: str = "", last_seen: str = "", now: datetime | None = None
) -> QuerySet[Person]:
    """Everyone who has taken part (forgotten people are not), with `sessions_attended` and
    `last_seen` (the start of the last session they came to) on each row, filtered and in name
    order. Unknown filter values are refused by the form before they get here."""
    people = (
        Person.objects.exclude(email__endswith=FORGOTTEN_SUFFIX)
        .annotate(
            sessions_attended=Count("bookings", filter=Q(bookings__status=Booking.Status.ATTENDED)),
            sessions_booked=Count("bookings", filter=~Q(bookings__status=Booking.Status.CANCELLED)),
            last_seen=Max("bookings__session__starts_at", filter=Q(bookings__status=Booking.Status.ATTENDED)),
        )
        .order_by("name", "id")
    )
    words = query.split()
    for word in words:
        people = people.filter(Q(name__icontains=word) | Q(email__icontains=word))
    if perspective:
        # Perspectives are a JSON list of codes: the code in quotes is the whole item, never part of another.
        people = people.alias(_perspectives=Cast("perspectives", TextField())).filter(
            _perspectives__contains=f'"{perspective}"'
        )
    if came == NEWCOMER:
        people = people.filter(sessions_attended__lte=1)
    elif came == RETURNING:
        people = people.filter(sessions_attended__gte=2)
    if last_seen in LAST_SEEN_MONTHS:
        people = people.filter(last_seen__gte=months_ago(LAST_SEEN_MONTHS[last_seen], now=now))
    elif last_seen == LONGER_AGO:
        people = people.filter(last_seen__lt=months_ago(12, now=now))
    elif last_seen == NEVER_CAME:
        people = people.filter(last_seen__isnull=True)
    return people


def get_person_for_coordinator(person_id: int) -> Person:
    """One person the directory can show (404 for an unknown or forgotten one)."""
    return get_object_or_404(Person.objects.exclude(email__endswith=FORGOTTEN_SUFFIX), pk=person_id)


@dataclass(frozen=True)
class HistoryRow:
    booking: Booking
    upcoming: bool


@dataclass(frozen=True)
class Involvement:
    """What a person has done with the centre, for their page and their recognition letter."""

    person: Person
    bookings: list[HistoryRow]
    outputs: list[Output]
    feedback_given: int

    @property
    def attended(self) -> list[Booking]:
        return [row.booking for row in self.bookings if row.booking.status == Booking.Status.ATTENDED]

    def count(self, status: str) -> int:
        return sum(1 for row in self.bookings if row.booking.status == status)

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [(label, self.count(status)) for status, label in Booking.Status.choices]


def person_involvement(person: Person, *, now: datetime | None = None) -> Involvement:
    """Their bookings (newest session first), the outputs credited to them, and how many feedback
    forms they sent back. Three queries. Credits are matched as the letter of involvement matches
    them (records/recognition.py): their name, on a session they came to."""
    now = now or timezone.now()
    bookings = list(
        Booking.objects.filter(person=person)
        .select_related("session", "session__venue")
        .order_by("-session__starts_at", "-id")
    )
    attended_sessions = [b.session_id for b in bookings if b.status == Booking.Status.ATTENDED]
    outputs = credited_outputs(person, attended_sessions)
    feedback_given = FeedbackRequest.objects.filter(booking__person=person, answered=True).count()
    return Involvement(
        person=person,
        bookings=[HistoryRow(booking=b, upcoming=b.session.starts_at >= now) for b in bookings],
        outputs=outputs,
        feedback_given=feedback_given,
    )


def person_notes(person: Person) -> list[PersonNote]:
    """The team's notes about them, newest first, with who wrote each (one query)."""
    return list(PersonNote.objects.filter(person=person).select_related("author").order_by("-created_at", "-id"))
