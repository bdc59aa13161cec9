"""Reads for payments that the team's pages and the API share."""

from __future__ import annotations

from roundtable.payments.models import Payment, PaymentQuerySet


def payment_list(*, status: str = "", session_id: int | None = None) -> PaymentQuerySet:
    """Payments newest first, filtered; the caller pages it (index payment_status_newest)."""
    rows = Payment.objects.all()
    if status:
        rows = rows.filter(status=status)
    if session_id:
        rows = rows.filter(session_id=session_id)
    return rows.order_by("-id")
