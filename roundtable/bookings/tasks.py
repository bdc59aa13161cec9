from django_tasks import task

from roundtable.bookings.models import Booking
from roundtable.bookings.reminders import send_due_reminders
from roundtable.bookings.waiting_list import promote_waiting_list
from roundtable.cocreation.models import Session
from roundtable.core.schedule import every


@every(minutes=10)
@task()
def release_held_places() -> int:
    """When balanced places are released, offer them to the waiting list."""
    promoted = 0
    session_ids = (
        Session.objects.published()
        .upcoming()
        .filter(bookings__status=Booking.Status.WAITLISTED)
        .values_list("id", flat=True)
        .distinct()
    )
    for session_id in session_ids:
        promoted += len(promote_waiting_list(session_id=session_id))
    return promoted


@every(minutes=15)
@task()
def send_reminders() -> int:
    return send_due_reminders()


# Access needs after the session: a retention rule (bookings/retention.py), run by core's
# apply_retention_rules job.
