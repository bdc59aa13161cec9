from __future__ import annotations

from typing import Any

from roundtable.core.personaldata import exporter
from roundtable.payments.models import Payment, TravelRequest


@exporter("payments")
def payments_data(person_id: int, email: str, name: str) -> Any:
    """What they were offered, chose, were due and were paid, session by session."""
    return list(
        Payment.objects.filter(person_id=person_id)
        .order_by("id")
        .values(
            "session__title",
            "kind",
            "expense_kind",
            "offered_pence",
            "amount_pence",
            "currency",
            "status",
            "choice",
            "donate_to",
            "method",
            "paid_on",
            "reason",
            "description",
            "miles",
            "receipt_type",
            "created_at",
        )
    )


@exporter("travel_requests")
def travel_requests_data(person_id: int, email: str, name: str) -> Any:
    """Sessions they asked us to book their travel for."""
    return list(
        TravelRequest.objects.filter(person_id=person_id)
        .order_by("id")
        .values("session__title", "details", "created_at")
    )
