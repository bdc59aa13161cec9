"""How bookings forget a person (see core/forgetting.py). Runs before people's forgetter, which
anonymises the Person row: places are cancelled here, so the waiting list moves up, while the
past ones stay (anonymously) in attendance counts."""

from __future__ import annotations

from roundtable.bookings.models import AccessArrangement, Booking, ManageLink
from roundtable.bookings.retention import clear_dietary_needs, delete_access_needs
from roundtable.bookings.services import booking_cancel
from roundtable.core.forgetting import forgetter, scrub_rows
from roundtable.core.models import AuditEntry

REASON = "The person asked to be forgotten"


@forgetter("bookings", order=10)
def forget_bookings(person_id: int, email: str, name: str, actor) -> int:
    """Upcoming and waiting places are cancelled (each freed place goes to the waiting list),
    dietary needs (kinds and text) and how they heard about us are blanked, access needs (kept on file or not) and
    private links deleted. Past bookings stay, so attendance counts do not change."""
    bookings = Booking.objects.filter(person_id=person_id)
    touched = 0
    for booking_id in bookings.filter(status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED]).values_list(
        "pk", flat=True
    ):
        booking_cancel(booking_id=booking_id, actor=actor, reason=REASON)
        touched += 1
    touched += clear_dietary_needs(bookings=bookings, reason="the person asked to be forgotten", actor=actor)
    touched += bookings.exclude(heard_about="").update(heard_about="")
    touched += delete_access_needs(bookings=bookings, reason="the person asked to be forgotten", actor=actor)
    touched += ManageLink.objects.filter(booking__person_id=person_id).delete()[0]
    # The log keeps what happened to each booking; only the labels that spelled out their name go.
    booking_ids = [str(pk) for pk in bookings.values_list("pk", flat=True)]
    AuditEntry.objects.filter(target_type="bookings.booking", target_id__in=booking_ids).update(target_label="")
    # The team's notes on arrangements for a session may name them.
    touched += scrub_rows(AccessArrangement.objects.all(), ["note"], email=email, name=name)
    return touched
