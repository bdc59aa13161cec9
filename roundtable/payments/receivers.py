"""What payments does when bookings says something happened (bookings/signals.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from roundtable.bookings.extensions import session_page_note
from roundtable.bookings.signals import attendance_marked, place_given
from roundtable.cocreation.models import Session
from roundtable.payments.models import Offer
from roundtable.payments.services import attendance_changed, fee_for_booking


@receiver(attendance_marked, dispatch_uid="payments.attendance")
def fee_due_when_they_came(sender: Any, *, booking, old: str, new: str, actor, **kwargs: Any) -> None:
    attendance_changed(booking=booking, new=new, actor=actor)


@receiver(place_given, dispatch_uid="payments.place_given")
def fee_when_they_get_a_place(sender: Any, *, booking, actor, **kwargs: Any) -> None:
    """Someone who gains a place on a session that pays gets their offered fee now, in the same
    transaction, so the Payments page only ever reads."""
    fee_for_booking(booking)


@session_page_note
def what_the_session_pays(session: Session) -> str | None:
    """Said up front, before anyone signs up (NIHR: say what is offered before involvement starts)."""
    offer = Offer.objects.select_related("rate").filter(session=session).first()
    if offer is None:
        return None
    repays = f" and repay {offer.repays}" if offer.repays else ""
    return f"We pay {offer.fee} for this session{repays}."
