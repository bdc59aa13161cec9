"""Context builders for booking emails: they run in the worker when the email is sent."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from roundtable.bookings.models import Booking, ManageLink
from roundtable.core.email import EmailNoLongerNeeded, context_builder


def _booking_context(context: dict, *, with_link: bool = True) -> dict:
    booking = (
        Booking.objects.select_related("session__venue", "person").filter(pk=context.get("booking_id")).first()
    )
    if booking is None:
        raise EmailNoLongerNeeded("the booking no longer exists")
    session = booking.session
    out = {
        "booking": booking,
        "person": booking.person,
        "session": session,
        "venue": session.venue,
        "position": booking.waiting_list_position(),
        "session_url": settings.SITE_URL + session.get_absolute_url(),
        "calendar_url": settings.SITE_URL + reverse("cocreation:session_calendar", args=[session.pk]),
    }
    if with_link and booking.status != Booking.Status.CANCELLED:
        out["manage_url"] = settings.SITE_URL + reverse("bookings:manage", args=[ManageLink.mint(booking)])
    return out


@context_builder("booking_confirmation")
def booking_confirmation(context: dict) -> dict:
    return _booking_context(context)


@context_builder("booking_promoted")
def booking_promoted(context: dict) -> dict:
    return _booking_context(context)


@context_builder("booking_cancelled")
def booking_cancelled(context: dict) -> dict:
    return _booking_context(context, with_link=False)
