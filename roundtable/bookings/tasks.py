from django_tasks import task

from roundtable.bookings.models import Booking
from roundtable.bookings.services import promote_waiting_list
from roundtable.cocreation.models import Session
from roundtable.core.schedule import every


@every(minutes=10)
@task()
def release_held_places() -> int:
    """When balanced places are released, offer them to the waiting list."""
    promoted = 0
    session_ids = (
        Session.objects.published().upcoming()
        .filter(bookings__status=Booking.Status.WAITLISTED).values_list("id", flat=True).distinct()
    )
    for session_id in session_ids:
        promoted += len(promote_waiting_list(session_id=session_id))
    return promoted
