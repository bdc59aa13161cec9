"""A letter of involvement: the sessions a person came to and what they contributed, for CVs and
job applications. One builder for the coordinator's download and the person's own, so both say
the same. Two queries: the sessions they attended, and the outputs credited to them.

Credits are a chosen name, not a link to a person (models.Output.credit), so an output counts as
theirs when its credit is their name and it comes from a session they came to: a namesake at
another session is not them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.people.models import Person
from roundtable.records.models import Output


def credited_outputs(person: Person, session_ids: list[int]) -> list[Output]:
    name = person.name.strip()
    if not session_ids or not name:
        return []
    return list(
        Output.objects.filter(session_id__in=session_ids, credit__iexact=name)
        .select_related("session")
        .order_by("session__starts_at", "position", "id")
    )


@dataclass(frozen=True)
class Recognition:
    person: Person
    sessions: list[Session]
    outputs: list[Output]
    written_on: date

    @property
    def first(self) -> Session | None:
        return self.sessions[0] if self.sessions else None

    @property
    def last(self) -> Session | None:
        return self.sessions[-1] if self.sessions else None


def recognition_for(person: Person) -> Recognition:
    """The sessions they came to (oldest first, with programmes) and what is credited to them."""
    sessions = [
        booking.session
        for booking in Booking.objects.filter(person=person, status=Booking.Status.ATTENDED)
        .select_related("session", "session__programme")
        .order_by("session__starts_at", "id")
    ]
    return Recognition(
        person=person,
        sessions=sessions,
        outputs=credited_outputs(person, [s.pk for s in sessions]),
        written_on=timezone.localdate(),
    )
