"""A crowd for on-the-day tests and the bench: many bookings written in bulk, because signing up
500 people one by one through the services would test the sign-up, not the page."""

from __future__ import annotations

import itertools

from django.utils import timezone

from roundtable.bookings.models import AccessNeed, AccessNeeds, Booking
from roundtable.cocreation.models import Session
from roundtable.people.models import Person

_batch = itertools.count(1)
NEEDS_CYCLE = [
    [AccessNeed.STEP_FREE],
    [AccessNeed.HEARING_LOOP, AccessNeed.LARGE_PRINT],
    [],
    [AccessNeed.BSL],
    [AccessNeed.QUIET_SPACE, AccessNeed.REGULAR_BREAKS],
]


def crowd(
    session: Session, n: int, *, status: str = Booking.Status.CONFIRMED, with_needs: bool = True
) -> list[Booking]:
    """n people booked on `session`, every other one with access needs and every third with a
    dietary need. Names sort alphabetically in creation order."""
    batch = next(_batch)
    people = Person.objects.bulk_create(
        Person(
            email=f"crowd{batch}-{i}@example.org",
            name=f"Crowd {batch:03d} Person {i:04d}",
            pronouns="they/them" if i % 2 else "",
            interests="Gardening, research, music, painting" if i % 3 == 0 else "",
        )
        for i in range(n)
    )
    bookings = Booking.objects.bulk_create(
        Booking(session=session, person=person, status=status, dietary_needs="Vegetarian" if i % 3 == 0 else "")
        for i, person in enumerate(people)
    )
    if with_needs:
        now = timezone.now()
        AccessNeeds.objects.bulk_create(
            AccessNeeds(
                booking=booking,
                needs=NEEDS_CYCLE[i % len(NEEDS_CYCLE)],
                details="I use a wheelchair and need a table at the right height" if i % 4 == 0 else "",
                consent_given_at=now,
            )
            for i, booking in enumerate(bookings)
            if i % 2 == 0
        )
    return bookings
