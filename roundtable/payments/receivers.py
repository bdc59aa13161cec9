"""What payments does when bookings says something happened (bookings/signals.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from roundtable.bookings.signals import attendance_marked
from roundtable.payments.services import attendance_changed


@receiver(attendance_marked, dispatch_uid="payments.attendance")
def fee_due_when_they_came(sender: Any, *, booking, old: str, new: str, actor, **kwargs: Any) -> None:
    attendance_changed(booking=booking, new=new, actor=actor)
