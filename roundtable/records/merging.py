"""Records: "you said, we did" deliveries move (one per batch: a batch both were told of keeps
one row), and outputs credited to the other record's name on its sessions take the kept name."""

from __future__ import annotations

from roundtable.bookings.models import Booking
from roundtable.core.merging import merger
from roundtable.people.models import Person
from roundtable.records.models import Output, UpdateDelivery


@merger("records", order=5)
def merge_records(keep_id: int, drop_id: int) -> list[str]:
    """Runs before bookings move, so the other record's sessions are still its own."""
    done = []
    both = UpdateDelivery.objects.filter(person_id=keep_id).values_list("batch_id", flat=True)
    UpdateDelivery.objects.filter(person_id=drop_id, batch_id__in=list(both)).delete()
    moved = UpdateDelivery.objects.filter(person_id=drop_id).update(person_id=keep_id)
    if moved:
        done.append(f"{moved} “you said, we did” update{'s' if moved != 1 else ''} they were sent move")
    keep, drop = Person.objects.get(pk=keep_id), Person.objects.get(pk=drop_id)
    if drop.name.strip() and drop.name.strip().casefold() != keep.name.strip().casefold():
        sessions = Booking.objects.filter(person_id=drop_id, status=Booking.Status.ATTENDED).values("session_id")
        credited = Output.objects.filter(session_id__in=sessions, credit__iexact=drop.name.strip()).update(
            credit=keep.name.strip()[:100]
        )
        if credited:
            done.append(
                f"{credited} output{'s' if credited != 1 else ''} credited to “{drop.name}” now credit “{keep.name}”"
            )
    return done
