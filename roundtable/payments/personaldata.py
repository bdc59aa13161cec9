from __future__ import annotations

from typing import Any

from roundtable.core.personaldata import exporter
from roundtable.payments.models import Payment, PaymentProfile, TravelRequest


@exporter("payments")
def payments_data(person_id: int, email: str, name: str) -> Any:
    """What they were offered, chose, claimed, were due and were paid, session by session, and the
    sessions they asked us to book their travel for."""
    payments = (
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
            "route",
            "route_reason",
            "pay_after",
            "created_at",
        )
    )
    travel = (
        TravelRequest.objects.filter(person_id=person_id)
        .order_by("id")
        .values("session__title", "details", "created_at")
    )
    return {"payments_and_expenses": list(payments), "travel_we_book_for_you": list(travel)}


@exporter("payment_profile")
def payment_profile_data(person_id: int, email: str, name: str) -> Any:
    """Benefit-safe mode, their own limits (pence) and their answers about employment."""
    return (
        PaymentProfile.objects.filter(person_id=person_id)
        .values(
            "benefit_safe",
            "weekly_limit_pence",
            "monthly_limit_pence",
            "paid_job",
            "public_work_time",
            "wants_payroll",
            "updated_at",
        )
        .first()
    )
