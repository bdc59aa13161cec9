"""Reads for payments that the team's pages and the API share."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from roundtable.payments.models import Payment, PaymentQuerySet


def payment_list(*, status: str = "", session_id: int | None = None) -> PaymentQuerySet:
    """Payments newest first, filtered; the caller pages it (index payment_status_newest)."""
    rows = Payment.objects.all()
    if status:
        rows = rows.filter(status=status)
    if session_id:
        rows = rows.filter(session_id=session_id)
    return rows.order_by("-id")


# The budget: totals per session and per programme -------------------------------------------

# What each column of the budget adds up: the amount offered (whatever happened next), and the
# amount now standing at each status. Declined and not paid (rejected) are shown so the offered
# total can be reconciled: offered = accepted + due + approved + paid + declined + not paid, less
# any "ask for less" or fee change (those lower the amount below what was offered).
BUDGET_COLUMNS = ("accepted", "due", "approved", "paid", "declined", "rejected")


def _budget_sums() -> dict[str, Any]:
    sums: dict[str, Any] = {"offered": Coalesce(Sum("offered_pence"), 0), "lines": Count("id")}
    for status in BUDGET_COLUMNS:
        sums[status] = Coalesce(Sum("amount_pence", filter=Q(status=status)), 0)
    sums["people"] = Count("person_id", distinct=True)
    return sums


def budget_by_session(*, session_id: int | None = None) -> QuerySet[Any, Any]:
    """One row per session with payments, newest session first: session_id, title, starts_at,
    programme name, and pence offered/accepted/due/approved/paid/declined/rejected. One query
    (the caller may page it: then a count and the page)."""
    rows = Payment.objects.all()
    if session_id is not None:
        rows = rows.filter(session_id=session_id)
    return (
        rows.order_by()
        .values("session_id", "session__title", "session__starts_at", "session__programme__name")
        .annotate(**_budget_sums())
        .order_by("-session__starts_at", "-session_id")
    )


def budget_by_programme() -> list[dict[str, Any]]:
    """One row per programme (and one for sessions in no programme, name None), by name. One query."""
    rows: Any = (
        Payment.objects.order_by()
        .values("session__programme_id", "session__programme__name")
        .annotate(sessions=Count("session_id", distinct=True), **_budget_sums())
    )
    return sorted(rows, key=lambda r: (r["session__programme__name"] is None, r["session__programme__name"] or ""))


def budget_total(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The sum of budget rows, column by column (pence added, never through floats)."""
    keys = ("offered", *BUDGET_COLUMNS)
    return {key: sum(int(r[key]) for r in rows) for key in keys}


# Overdue: unpaid items whose session ended more than PAYMENTS_TARGET_DAYS ago ----------------


def overdue_payments(*, limit: int = 20, now: datetime | None = None) -> tuple[list[Payment], int]:
    """Accepted, due or approved items whose session ended more than the centre's target ago,
    oldest first, with the person and session, and how many there are in all. One query (the
    count rides along as a window over the same rows)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PAYMENTS_TARGET_DAYS)
    rows: list[Any] = list(
        Payment.objects.filter(status__in=Payment.UNPAID, session__ends_at__lt=cutoff)
        .select_related("person", "session")
        .annotate(overdue_count=Window(Count("id")))
        .order_by("session__ends_at", "id")[:limit]
    )
    today = timezone.localdate(now)
    for payment in rows:
        payment.days_since = (today - timezone.localdate(payment.session.ends_at)).days
    return rows, (int(rows[0].overdue_count) if rows else 0)


# Costs for reports: approved and paid items for sessions in a period -------------------------


def costs_in_period(*, start: date, end: date, programme_id: int | None = None) -> dict[str, Any]:
    """Approved and paid fees and expenses for sessions that started in the period (whole days,
    local time; a session cancelled on the day but paid anyway counts), by kind. Two queries:
    the grouped sums and the number of different people."""
    zone = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(start, time.min), zone)
    hi = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    rows = Payment.objects.filter(
        status__in=(Payment.Status.APPROVED, Payment.Status.PAID), session__starts_at__gte=lo, session__starts_at__lt=hi
    )
    if programme_id is not None:
        rows = rows.filter(session__programme_id=programme_id)
    groups = list(
        rows.order_by()
        .values("kind", "expense_kind")
        .annotate(
            pence=Sum("amount_pence"),
            items=Count("id"),
            paid=Coalesce(Sum("amount_pence", filter=Q(status=Payment.Status.PAID)), 0),
        )
        .order_by("kind", "expense_kind")
    )
    people = rows.order_by().values("person_id").distinct().count() if groups else 0
    return {"groups": groups, "people": people}
