"""How bookings merge two records of a person (see core/merging.py). A booking moves with
everything hanging from it (access needs, links, reminders, feedback requests). When both records
are booked on the same session, one booking is kept, the one that says most about what happened
(came, did not come, had a place, was waiting, cancelled; the earlier on a tie), and the other is
deleted; a place that frees goes to the waiting list."""

from __future__ import annotations

from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.bookings.waiting_list import promote_waiting_list
from roundtable.core.merging import merger

RANK: dict[str, int] = {
    Booking.Status.ATTENDED: 0,
    Booking.Status.NO_SHOW: 1,
    Booking.Status.CONFIRMED: 2,
    Booking.Status.WAITLISTED: 3,
    Booking.Status.CANCELLED: 4,
}


@merger("bookings", order=10)
def merge_bookings(keep_id: int, drop_id: int) -> list[str]:
    kept_by_session = {b.session_id: b for b in Booking.objects.filter(person_id=keep_id).select_related("session")}
    moved, done, freed = 0, [], set()
    for booking in Booking.objects.filter(person_id=drop_id).select_related("session").order_by("id"):
        other = kept_by_session.get(booking.session_id)
        if other is None:
            moved += 1
            continue
        better, worse = sorted([other, booking], key=lambda b: (RANK[b.status], b.created_at, b.pk))
        if worse.status in Booking.HOLDING_PLACE and worse.session.ends_at > timezone.now():
            freed.add(worse.session_id)
        done.append(
            f"Both were booked on “{booking.session.title}”: the booking that says "
            f"“{better.get_status_display().lower()}” is kept, the one that says "
            f"“{worse.get_status_display().lower()}” is deleted"
        )
        worse.delete()
    Booking.objects.filter(person_id=drop_id).update(person_id=keep_id)
    for session_id in freed:
        promote_waiting_list(session_id=session_id)
    if moved:
        done.insert(
            0,
            f"{moved} booking{'s' if moved != 1 else ''} move{'' if moved != 1 else 's'}, with their access needs and links",
        )
    return done
