from __future__ import annotations

from typing import Any

from roundtable.bookings.models import Booking
from roundtable.core.personaldata import exporter


@exporter("bookings")
def booking_data(person_id: int, email: str, name: str) -> Any:
    bookings = Booking.objects.filter(person_id=person_id).select_related("session", "access_needs")
    out = []
    for booking in bookings.order_by("session__starts_at", "id"):
        needs = getattr(booking, "access_needs", None)
        out.append(
            {
                "session": booking.session.title,
                "starts_at": booking.session.starts_at,
                "status": booking.get_status_display(),
                "booked_at": booking.created_at,
                "cancelled_at": booking.cancelled_at,
                "dietary_needs": booking.dietary_kind_labels
                + ([booking.dietary_needs] if booking.dietary_needs else []),
                "heard_about": booking.heard_about,
                "access_needs": None
                if needs is None
                else {"needs": needs.need_labels, "details": needs.details, "keep_on_file": needs.keep_on_file},
            }
        )
    return out
