"""What payments does when bookings says something happened (bookings/signals.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from roundtable.bookings.extensions import session_page_note
from roundtable.bookings.signals import attendance_marked
from roundtable.cocreation.models import Session
from roundtable.payments.models import Offer
from roundtable.payments.services import attendance_changed


@receiver(attendance_marked, dispatch_uid="payments.attendance")
def fee_due_when_they_came(sender: Any, *, booking, old: str, new: str, actor, **kwargs: Any) -> None:
    attendance_changed(booking=booking, new=new, actor=actor)


@session_page_note
def what_the_session_pays(session: Session) -> str | None:
    """Said up front, before anyone signs up (NIHR: say what is offered before involvement starts)."""
    offer = Offer.objects.select_related("rate").filter(session=session).first()
    if offer is None:
        return None
    repays = f" and repay {offer.repays}" if offer.repays else ""
    return f"We pay {offer.fee} for this session{repays}."
