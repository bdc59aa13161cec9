"""What a booking's own page (bookings:manage) says about payment, when the session pays: the
offer, the person's choice and where it is, and buttons to their Payments page to choose or to
claim an expense. Involvement adds it because it sits above both bookings and payments."""

from __future__ import annotations

from django.template.loader import render_to_string

from roundtable.bookings.extensions import manage_page_part
from roundtable.bookings.models import Booking
from roundtable.payments.models import Offer, Payment
from roundtable.payments.services import CLAIMABLE


@manage_page_part
def payment_offer(booking: Booking, token: str) -> str | None:
    offer = Offer.objects.select_related("rate").filter(session_id=booking.session_id).first()
    if offer is None:
        return None
    fee = Payment.objects.filter(session_id=booking.session_id, person_id=booking.person_id, kind="fee").first()
    context = {"offer": offer, "fee": fee, "token": token, "booking": booking, "can_claim": booking.status in CLAIMABLE}
    return render_to_string("involvement/_booking_offer.html", context)
