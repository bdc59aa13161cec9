"""Demo: one person in benefit-safe mode, paid for a past session, so the warning, the letter for a
benefits adviser and the yearly statement have something to show. `seed_other_parts` calls
seed_benefit_safe(); it is idempotent (nothing is done once someone is in benefit-safe mode) and
sends nobody an email. Writes go through the payments services, as the pages' would."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.bookings.models import Booking
from roundtable.cocreation.models import Session
from roundtable.payments import services
from roundtable.payments.benefits import OverBenefitLimit, ProfileAnswer, payment_profile_update
from roundtable.payments.models import Offer, Payment, PaymentProfile, Rate
from roundtable.payments.services import ChoiceAnswer

RATE_NAME = "Involvement (per hour)"


def _coordinators() -> tuple[User, User]:
    team = list(User.objects.filter(role=User.Role.COORDINATOR, is_active=True).order_by("id")[:2])
    if not team:
        team = [
            User.objects.create_user(email="coordinator@example.org", password=None, name="Sam", role="coordinator")
        ]
    return team[0], team[-1]


def seed_benefit_safe() -> Payment | None:
    """The most recent past session with someone who came: it pays 3 hours at £27.50; the first
    person who came is in benefit-safe mode (the centre's limits) and took £20 to stay within them,
    and claimed £6.40 travel; both were approved and paid a week after the session."""
    if PaymentProfile.objects.filter(benefit_safe=True).exists():
        return None
    booking = (
        Booking.objects.filter(status=Booking.Status.ATTENDED, session__ends_at__lt=timezone.now())
        .select_related("session", "person")
        .order_by("-session__starts_at", "id")
        .first()
    )
    if booking is None:
        return None
    session: Session = booking.session
    creator, approver = _coordinators()
    if not Offer.objects.filter(session=session).exists():
        rate = Rate.objects.filter(name=RATE_NAME, unit=Rate.Unit.HOUR).first() or services.rate_create(
            name=RATE_NAME,
            unit=Rate.Unit.HOUR,
            amount_pence=2750,
            effective_from=date(2020, 4, 6),
            effective_to=None,
            actor=creator,
        )
        services.offer_set(
            session=session, rate=rate, quantity=Decimal(3), repays="travel and care costs", actor=creator
        )
    # Someone who came and has not answered the offer yet (the demo's other payments have theirs).
    for candidate in (
        Booking.objects.filter(session=session, status=Booking.Status.ATTENDED)
        .select_related("session", "person")
        .order_by("id")
    ):
        fee = services.fee_for_booking(candidate)
        if fee is not None and fee.status == Payment.Status.OFFERED:
            booking = candidate
            break
    else:
        return None
    payment_profile_update(person=booking.person, answer=ProfileAnswer(benefit_safe=True, paid_job=False))
    try:
        fee = services.payment_choose(
            payment_id=fee.pk, answer=ChoiceAnswer(choice=Payment.Choice.LESS, amount_pence=2000)
        )
    except OverBenefitLimit:  # the centre's limits are set lower than £20: expenses only
        fee = services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer(choice=Payment.Choice.EXPENSES_ONLY))
    expense = services.expense_add(booking=booking, expense_kind=Payment.ExpenseKind.TRAVEL, amount_pence=640)
    paid_on = min(timezone.localdate(session.starts_at) + timedelta(days=7), timezone.localdate())
    for payment in (fee, expense):
        if payment.status != Payment.Status.DUE:
            continue
        services.payment_approve(
            payment_id=payment.pk, actor=approver if payment.created_by_id == creator.pk else creator
        )
        services.payment_mark_paid(
            payment_id=payment.pk,
            method=Payment.Method.BANK_TRANSFER,
            paid_on=paid_on,
            reference=f"RT-{payment.pk:05d}",
            actor=creator,
        )
    return Payment.objects.get(pk=fee.pk)
