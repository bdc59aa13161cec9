"""Benefit-safe mode and employment status: a person's payment profile, the weekly and monthly
check before a fee is accepted, and the route a fee takes (payroll, non-payroll, not payable).

Only fees count towards the limits: money and vouchers are income, receipted expenses are
repayments and are not. A fee counts in the week (Monday to Sunday) and the calendar month of the
day it is paid, or will be: the day it was paid, else the day the person asked it to be paid after
("spread"), else the day of the session. A donated fee goes to the charity, so it does not count.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roundtable.core import audit
from roundtable.payments.models import Payment, PaymentProfile, pounds
from roundtable.people.models import Person

# Choices that make the fee the person's income.
INCOME_CHOICES = (Payment.Choice.ACCEPT, Payment.Choice.LESS, Payment.Choice.VOUCHER)
COUNTED = (Payment.Status.ACCEPTED, Payment.Status.DUE, Payment.Status.APPROVED, Payment.Status.PAID)
MAX_LIMIT_PENCE = 10_000_000  # £100,000: anything more is a typing slip
SPREAD_WEEKS = 52  # how far ahead a "pay it later" date is looked for


def profile_for(person: Person | int) -> PaymentProfile | None:
    person_id = person if isinstance(person, int) else person.pk
    return PaymentProfile.objects.filter(person_id=person_id).first()


# Routing -------------------------------------------------------------------------------------


def route_for(profile: PaymentProfile | None) -> tuple[str, str]:
    """(route, reason in plain words) from the person's answers; the reason is shown to them and
    to the team."""
    if profile is not None and profile.paid_job:
        return (
            Payment.Route.NOT_PAYABLE,
            "You told us this is part of your paid job, so your employer already pays you for this time.",
        )
    if profile is not None and profile.public_work_time:
        return (
            Payment.Route.NOT_PAYABLE,
            "You told us you work for the NHS or another public body and do this in your work time, "
            "so you are already paid for this time.",
        )
    if profile is not None and profile.wants_payroll and settings.PAYMENTS_PAYROLL_OFFERED:
        return Payment.Route.PAYROLL, "You asked to be paid through payroll."
    return Payment.Route.NON_PAYROLL, "The usual way we pay people for their time."


def reroute_unpaid_fees(*, person_id: int, profile: PaymentProfile | None, actor: Any = None) -> int:
    """After the answers change: each unpaid fee gets the new route. A fee that is not payable
    becomes "declined" with the reason (the person may still claim expenses; if their answers
    change back they can choose again). Returns how many fees changed."""
    route, reason = route_for(profile)
    changed = 0
    fees = Payment.objects.select_for_update().filter(
        person_id=person_id, kind=Payment.Kind.FEE, status__in=Payment.CHANGEABLE
    )
    for fee in fees:
        old = fee.status
        fee.route, fee.route_reason = route, reason
        if route == Payment.Route.NOT_PAYABLE and fee.status != Payment.Status.DECLINED:
            fee.status = Payment.Status.DECLINED
            fee.choice = Payment.Choice.DECLINE
            fee.approved_by = None
        fee.save()
        if old != fee.status:
            label = "" if getattr(actor, "is_authenticated", False) else "participant"
            audit.log(actor, "payment.not_payable", fee, actor_label=label, from_status=old, to_status=fee.status)
        changed += 1
    return changed


# The profile ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileAnswer:
    benefit_safe: bool
    weekly_limit_pence: int | None = None
    monthly_limit_pence: int | None = None
    paid_job: bool | None = None
    public_work_time: bool | None = None
    wants_payroll: bool | None = None


@transaction.atomic
def payment_profile_update(*, person: Person, answer: ProfileAnswer, actor: Any = None) -> PaymentProfile:
    errors: dict[str, str] = {}
    for field in ("weekly_limit_pence", "monthly_limit_pence"):
        value = getattr(answer, field)
        if value is not None and not 0 <= value <= MAX_LIMIT_PENCE:
            errors[field.removesuffix("_pence")] = "Enter an amount from £0 to £100,000"
    if errors:
        raise ValidationError(errors)
    profile, _ = PaymentProfile.objects.update_or_create(
        person=person,
        defaults={
            "benefit_safe": answer.benefit_safe,
            "weekly_limit_pence": answer.weekly_limit_pence,
            "monthly_limit_pence": answer.monthly_limit_pence,
            "paid_job": answer.paid_job,
            "public_work_time": answer.public_work_time,
            "wants_payroll": answer.wants_payroll if settings.PAYMENTS_PAYROLL_OFFERED else None,
        },
    )
    label = "" if getattr(actor, "is_authenticated", False) else "participant"
    audit.log(actor, "payment_profile.updated", person, actor_label=label, benefit_safe=answer.benefit_safe)
    reroute_unpaid_fees(person_id=person.pk, profile=profile, actor=actor)
    return profile


# The weekly and monthly check ----------------------------------------------------------------


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_of(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def income_day(payment: Payment) -> date:
    """The day a fee counts on: paid, else pay-after, else the session's day."""
    if payment.paid_on:
        return payment.paid_on
    if payment.pay_after:
        return payment.pay_after
    return timezone.localdate(payment.session.starts_at)


@dataclass(frozen=True)
class BenefitCheck:
    amount_pence: int
    day: date
    week_start: date
    week_end: date
    week_others_pence: int
    month_start: date
    month_others_pence: int
    weekly_limit_pence: int
    monthly_limit_pence: int

    @property
    def week_total_pence(self) -> int:
        return self.week_others_pence + self.amount_pence

    @property
    def month_total_pence(self) -> int:
        return self.month_others_pence + self.amount_pence

    @property
    def over_week(self) -> bool:
        return self.week_total_pence > self.weekly_limit_pence

    @property
    def over_month(self) -> bool:
        return self.month_total_pence > self.monthly_limit_pence

    @property
    def over(self) -> bool:
        return self.over_week or self.over_month

    @property
    def keeps_under_pence(self) -> int:
        """The most this fee can be while keeping both totals within the limits (0 or more)."""
        room = min(self.weekly_limit_pence - self.week_others_pence, self.monthly_limit_pence - self.month_others_pence)
        return max(room, 0)

    # Shown on the pages, as pounds.
    @property
    def week_total(self) -> str:
        return pounds(self.week_total_pence)

    @property
    def month_total(self) -> str:
        return pounds(self.month_total_pence)

    @property
    def weekly_limit(self) -> str:
        return pounds(self.weekly_limit_pence)

    @property
    def monthly_limit(self) -> str:
        return pounds(self.monthly_limit_pence)


def benefit_check(*, payment: Payment, amount_pence: int, day: date | None = None) -> BenefitCheck | None:
    """None when the person is not in benefit-safe mode; otherwise the totals of their other fees
    in the week and month the fee would count in, and whether this amount goes over."""
    profile = profile_for(payment.person_id)
    if profile is None or not profile.benefit_safe:
        return None
    if day is None:
        day = income_day(payment)
    week_start, week_end = week_of(day)
    month_start, month_end = month_of(day)
    window_start, window_end = min(week_start, month_start), max(week_end, month_end)
    others = (
        Payment.objects.filter(
            person_id=payment.person_id, kind=Payment.Kind.FEE, status__in=COUNTED, choice__in=INCOME_CHOICES
        )
        .exclude(pk=payment.pk)
        .select_related("session")
    )
    week = month = 0
    for other in others:
        other_day = income_day(other)
        if not window_start <= other_day <= window_end:
            continue
        if week_start <= other_day <= week_end:
            week += other.amount_pence
        if month_start <= other_day <= month_end:
            month += other.amount_pence
    return BenefitCheck(
        amount_pence=amount_pence,
        day=day,
        week_start=week_start,
        week_end=week_end,
        week_others_pence=week,
        month_start=month_start,
        month_others_pence=month,
        weekly_limit_pence=profile.weekly_limit,
        monthly_limit_pence=profile.monthly_limit,
    )


def spread_day(*, payment: Payment, amount_pence: int) -> date | None:
    """The first Monday after the fee's own week on which the whole amount fits within both limits,
    looking up to a year ahead; None if it never fits (the amount is over a limit on its own)."""
    start = week_of(timezone.localdate(payment.session.starts_at))[0]
    for weeks in range(1, SPREAD_WEEKS + 1):
        day = start + timedelta(weeks=weeks)
        check = benefit_check(payment=payment, amount_pence=amount_pence, day=day)
        if check is None or not check.over:
            return day
    return None


class OverBenefitLimit(Exception):
    """Accepting this fee would take a person in benefit-safe mode over a limit; they have not
    said they understand. The view shows the warning step."""

    def __init__(self, check: BenefitCheck):
        super().__init__("over the benefit-safe limit")
        self.check = check
