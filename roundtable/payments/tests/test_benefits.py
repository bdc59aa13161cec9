"""Benefit-safe mode (weekly and monthly limits, take less, spread), employment status routing,
expenses only, and the tax year of the yearly statement."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_mark_attendance
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.forgetting import forget_everywhere
from roundtable.core.merging import merge_everywhere
from roundtable.core.models import AuditEntry
from roundtable.core.personaldata import export_everywhere
from roundtable.payments import services
from roundtable.payments.benefits import (
    BenefitCheck,
    OverBenefitLimit,
    ProfileAnswer,
    benefit_check,
    payment_profile_update,
    spread_day,
)
from roundtable.payments.models import Payment, PaymentProfile
from roundtable.payments.services import ChoiceAnswer
from roundtable.payments.statements import statement_for, tax_year_bounds, tax_year_of
from roundtable.payments.testing import make_offer
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db

EMAIL = "ade@example.org"


@pytest.fixture
def coordinator():
    return make_coordinator("sam@example.org")


def fee_on(day: date, coordinator, *, email: str = EMAIL) -> Payment:
    """A £82.50 fee (3 hours at £27.50) for a session at 1:30pm on `day`."""
    session = make_session(starts_at=timezone.make_aware(datetime(day.year, day.month, day.day, 13, 30)))
    booking = signup(session, name="Ade", email=email).booking
    make_offer(session, actor=coordinator, quantity="3")
    return Payment.objects.get(booking=booking, kind=Payment.Kind.FEE)


def accepted(fee: Payment) -> Payment:
    Payment.objects.filter(pk=fee.pk).update(status=Payment.Status.ACCEPTED, choice=Payment.Choice.ACCEPT)
    fee.refresh_from_db()
    return fee


def benefit_safe(person: Person, *, weekly: int | None, monthly: int | None) -> None:
    payment_profile_update(
        person=person, answer=ProfileAnswer(benefit_safe=True, weekly_limit_pence=weekly, monthly_limit_pence=monthly)
    )


def accept(fee: Payment, **answer) -> Payment:
    return services.payment_choose(
        payment_id=fee.pk, answer=ChoiceAnswer(choice=answer.pop("choice", "accept"), **answer)
    )


# Weeks run Monday to Sunday ---------------------------------------------------------------------


def test_a_second_fee_in_the_same_week_goes_over_but_the_next_monday_does_not(coordinator):
    monday = accepted(fee_on(date(2027, 1, 11), coordinator))
    sunday = fee_on(date(2027, 1, 17), coordinator)
    next_monday = fee_on(date(2027, 1, 18), coordinator)
    benefit_safe(monday.person, weekly=10000, monthly=100000)

    with pytest.raises(OverBenefitLimit) as over:
        accept(sunday)
    assert over.value.check.week_total_pence == 16500 and over.value.check.over_week
    assert not over.value.check.over_month
    assert over.value.check.keeps_under_pence == 1750
    assert Payment.objects.get(pk=sunday.pk).status == Payment.Status.OFFERED  # nothing saved

    assert accept(next_monday).status == Payment.Status.ACCEPTED


def test_a_fee_that_brings_the_week_exactly_to_the_limit_is_within_it(coordinator):
    first = accepted(fee_on(date(2027, 1, 11), coordinator))
    second = fee_on(date(2027, 1, 13), coordinator)
    benefit_safe(first.person, weekly=16500, monthly=100000)
    assert accept(second).status == Payment.Status.ACCEPTED


def test_the_calendar_month_counts_from_the_first_to_the_last_day(coordinator):
    friday = accepted(fee_on(date(2027, 1, 29), coordinator))
    sunday = fee_on(date(2027, 1, 31), coordinator)
    february = fee_on(date(2027, 2, 1), coordinator)  # the same week (Mon 1 Feb), another month
    benefit_safe(friday.person, weekly=100000, monthly=16000)

    with pytest.raises(OverBenefitLimit) as over:
        accept(sunday)
    assert over.value.check.over_month and not over.value.check.over_week
    assert over.value.check.month_total_pence == 16500
    assert accept(february).status == Payment.Status.ACCEPTED


def test_expenses_donated_and_declined_fees_do_not_count(coordinator):
    first = fee_on(date(2027, 1, 11), coordinator)
    donated = fee_on(date(2027, 1, 12), coordinator)
    declined = fee_on(date(2027, 1, 13), coordinator)
    last = fee_on(date(2027, 1, 14), coordinator)
    services.expense_add(booking=first.booking, expense_kind="travel", amount_pence=50000)
    services.payment_choose(payment_id=donated.pk, answer=ChoiceAnswer(choice="donate", donate_to="Mind"))
    services.payment_choose(payment_id=declined.pk, answer=ChoiceAnswer(choice="decline"))
    benefit_safe(first.person, weekly=8250, monthly=8250)
    assert accept(last).status == Payment.Status.ACCEPTED


def test_the_centres_limits_are_settings_and_a_persons_own_take_their_place(coordinator, settings):
    settings.PAYMENTS_BENEFIT_WEEKLY_LIMIT_PENCE = 9000
    settings.PAYMENTS_BENEFIT_MONTHLY_LIMIT_PENCE = 9000
    fee = fee_on(date(2027, 1, 11), coordinator)
    benefit_safe(fee.person, weekly=None, monthly=None)
    check = benefit_check(payment=fee, amount_pence=fee.amount_pence)
    assert check is not None and not check.over and check.weekly_limit_pence == 9000
    benefit_safe(fee.person, weekly=8000, monthly=None)
    check = benefit_check(payment=fee, amount_pence=fee.amount_pence)
    assert check is not None and check.over_week and check.monthly_limit_pence == 9000


def test_someone_not_in_benefit_safe_mode_is_never_stopped(coordinator):
    first = accepted(fee_on(date(2027, 1, 11), coordinator))
    second = fee_on(date(2027, 1, 12), coordinator)
    payment_profile_update(person=first.person, answer=ProfileAnswer(benefit_safe=False, weekly_limit_pence=1))
    assert accept(second).status == Payment.Status.ACCEPTED


def test_taking_less_keeps_them_under_and_a_penny_more_does_not(coordinator):
    first = accepted(fee_on(date(2027, 1, 11), coordinator))
    second = fee_on(date(2027, 1, 12), coordinator)
    benefit_safe(first.person, weekly=10000, monthly=100000)
    with pytest.raises(OverBenefitLimit):
        accept(second, choice="less", amount_pence=1751)
    assert accept(second, choice="less", amount_pence=1750).amount_pence == 1750


def test_accepting_anyway_needs_them_to_say_they_understand_and_is_audited(coordinator):
    first = accepted(fee_on(date(2027, 1, 11), coordinator))
    second = fee_on(date(2027, 1, 12), coordinator)
    benefit_safe(first.person, weekly=10000, monthly=100000)
    assert accept(second, understood_over_limit=True).status == Payment.Status.ACCEPTED
    entry = AuditEntry.objects.filter(verb="payment.chosen").latest("id")
    assert entry.data["understood_over_limit"] is True


# Spreading: pay it in a later week -------------------------------------------------------------


def test_spreading_finds_the_first_monday_it_fits_and_records_the_pay_after_date(coordinator):
    first = accepted(fee_on(date(2027, 1, 11), coordinator))
    second = fee_on(date(2027, 1, 12), coordinator)
    accepted(fee_on(date(2027, 1, 19), coordinator))  # the next week is full already
    benefit_safe(first.person, weekly=10000, monthly=100000)

    day = spread_day(payment=second, amount_pence=8250)
    assert day == date(2027, 1, 25)
    with pytest.raises(OverBenefitLimit):
        accept(second, pay_after=date(2027, 1, 18))
    saved = accept(second, pay_after=day)
    assert saved.pay_after == date(2027, 1, 25) and saved.status == Payment.Status.ACCEPTED
    # Now it counts in the week of 25 January, not its session's week.
    third = fee_on(date(2027, 1, 27), coordinator)
    with pytest.raises(OverBenefitLimit):
        accept(third)


def test_a_spread_fee_cannot_be_marked_paid_before_its_pay_after_date(coordinator):
    fee = fee_on(date(2027, 1, 12), coordinator)
    today = timezone.localdate()
    Payment.objects.filter(pk=fee.pk).update(status=Payment.Status.APPROVED, pay_after=today)
    with pytest.raises(ValidationError) as error:
        services.payment_mark_paid(
            payment_id=fee.pk,
            method="bank_transfer",
            paid_on=today - timedelta(days=1),
            reference="",
            actor=coordinator,
        )
    assert f"on or after {today:%-d %B %Y}" in error.value.message_dict["paid_on"][0]
    assert Payment.objects.get(pk=fee.pk).status == Payment.Status.APPROVED
    paid = services.payment_mark_paid(
        payment_id=fee.pk, method="bank_transfer", paid_on=today, reference="", actor=coordinator
    )
    assert paid.status == Payment.Status.PAID


def test_a_pay_after_date_must_be_after_the_session(coordinator):
    fee = fee_on(date(2027, 1, 12), coordinator)
    with pytest.raises(ValidationError) as error:
        accept(fee, pay_after=date(2027, 1, 12))
    assert "pay_after" in error.value.message_dict


def test_spreading_never_fits_an_amount_over_the_limit_on_its_own(coordinator):
    fee = fee_on(date(2027, 1, 12), coordinator)
    benefit_safe(fee.person, weekly=5000, monthly=100000)
    assert spread_day(payment=fee, amount_pence=8250) is None


# Expenses only --------------------------------------------------------------------------------


def test_expenses_only_declines_the_fee_and_the_expenses_still_go_through(coordinator):
    fee = fee_on(date(2027, 1, 12), coordinator)
    chosen = services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer(choice="expenses_only"))
    assert (chosen.status, chosen.choice) == (Payment.Status.DECLINED, "expenses_only")
    booking_mark_attendance(booking_id=fee.booking_id, attended=True, actor=coordinator)
    booking = Booking.objects.get(pk=fee.booking_id)
    expense = services.expense_add(booking=booking, expense_kind="travel", amount_pence=1240)
    assert expense.status == Payment.Status.DUE
    other = make_coordinator("ola@example.org", name="Ola")
    assert services.payment_approve(payment_id=expense.pk, actor=other).status == Payment.Status.APPROVED
    assert Payment.objects.get(pk=fee.pk).status == Payment.Status.DECLINED


# Employment status routing --------------------------------------------------------------------


def test_answers_route_a_fee_to_non_payroll_payroll_or_not_payable(coordinator, settings):
    fee = fee_on(date(2027, 1, 12), coordinator)
    assert accept(fee).route == Payment.Route.NON_PAYROLL

    settings.PAYMENTS_PAYROLL_OFFERED = True
    payment_profile_update(person=fee.person, answer=ProfileAnswer(benefit_safe=False, wants_payroll=True))
    fee.refresh_from_db()
    assert fee.route == Payment.Route.PAYROLL and fee.route_reason == "You asked to be paid through payroll."
    assert fee.status == Payment.Status.ACCEPTED

    settings.PAYMENTS_PAYROLL_OFFERED = False  # the centre stopped using payroll
    assert accept(fee).route == Payment.Route.NON_PAYROLL


@pytest.mark.parametrize("answer", [{"paid_job": True}, {"public_work_time": True}])
def test_a_fee_that_is_not_payable_becomes_declined_with_the_reason_and_cannot_be_accepted(coordinator, answer):
    fee = accepted(fee_on(date(2027, 1, 12), coordinator))
    payment_profile_update(person=fee.person, answer=ProfileAnswer(benefit_safe=False, **answer))
    fee.refresh_from_db()
    assert (fee.status, fee.route) == (Payment.Status.DECLINED, Payment.Route.NOT_PAYABLE)
    assert "already" in fee.route_reason
    assert AuditEntry.objects.filter(verb="payment.not_payable").count() == 1

    with pytest.raises(ValidationError) as error:
        accept(fee)
    assert "Choose expenses only or decline" in error.value.message_dict["choice"][0]
    assert services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer(choice="expenses_only")).choice == (
        "expenses_only"
    )
    # Their answers change back: they can accept again.
    payment_profile_update(person=fee.person, answer=ProfileAnswer(benefit_safe=False, paid_job=False))
    assert accept(fee).route == Payment.Route.NON_PAYROLL


def test_a_paid_fee_keeps_its_route_when_the_answers_change(coordinator):
    fee = accept(fee_on(date(2027, 1, 12), coordinator))
    Payment.objects.filter(pk=fee.pk).update(status=Payment.Status.PAID, paid_on=date(2027, 1, 20))
    payment_profile_update(person=fee.person, answer=ProfileAnswer(benefit_safe=False, paid_job=True))
    fee.refresh_from_db()
    assert (fee.status, fee.route) == (Payment.Status.PAID, Payment.Route.NON_PAYROLL)


def test_limits_out_of_range_are_refused_by_the_field(coordinator):
    fee = fee_on(date(2027, 1, 12), coordinator)
    with pytest.raises(ValidationError) as error:
        payment_profile_update(
            person=fee.person, answer=ProfileAnswer(benefit_safe=True, weekly_limit_pence=10_000_001)
        )
    assert "weekly_limit" in error.value.message_dict
    assert not PaymentProfile.objects.exists()


# Forgetting, the data download and merging -----------------------------------------------------


def test_the_profile_is_in_the_data_download_and_goes_when_they_are_forgotten(coordinator):
    fee = fee_on(date(2027, 1, 12), coordinator)
    person = fee.person
    benefit_safe(person, weekly=1234, monthly=None)
    data = export_everywhere(person_id=person.pk, email=person.email, name=person.name)
    assert data["payment_profile"]["benefit_safe"] is True
    assert data["payment_profile"]["weekly_limit_pence"] == 1234
    assert data["payments"]["payments_and_expenses"][0]["route"] == "non_payroll"

    forget_everywhere(person_id=person.pk, email=person.email, name=person.name, actor=coordinator)
    assert not PaymentProfile.objects.filter(person_id=person.pk).exists()
    assert Payment.objects.filter(pk=fee.pk).exists()  # the accounts still add up


def test_merging_moves_the_profile_or_combines_two_the_safer_way(coordinator):
    fee = fee_on(date(2027, 1, 12), coordinator)
    keep = fee.person
    drop = fee_on(date(2027, 1, 13), coordinator, email="ade.work@example.org").person
    benefit_safe(drop, weekly=5000, monthly=None)
    merge_everywhere(keep_id=keep.pk, drop_id=drop.pk)
    profile = PaymentProfile.objects.get()
    assert profile.person_id == keep.pk and profile.benefit_safe and profile.weekly_limit_pence == 5000

    third = fee_on(date(2027, 1, 14), coordinator, email="ade.home@example.org").person
    payment_profile_update(
        person=third, answer=ProfileAnswer(benefit_safe=False, weekly_limit_pence=4000, paid_job=True)
    )
    done = merge_everywhere(keep_id=keep.pk, drop_id=third.pk)
    profile = PaymentProfile.objects.get()
    assert (profile.person_id, profile.benefit_safe, profile.weekly_limit_pence, profile.paid_job) == (
        keep.pk,
        True,
        4000,
        True,
    )
    assert done["payment profile"]


# The tax year ---------------------------------------------------------------------------------


def test_the_tax_year_runs_from_6_april_to_5_april():
    assert tax_year_of(date(2026, 4, 5)) == 2025
    assert tax_year_of(date(2026, 4, 6)) == 2026
    assert tax_year_of(date(2027, 1, 1)) == 2026
    assert tax_year_bounds(2026) == (date(2026, 4, 6), date(2027, 4, 5))


def test_the_statement_takes_what_was_paid_in_the_year_and_its_totals_add_up(coordinator):
    fees = [fee_on(date(2027, 1, d), coordinator) for d in (11, 12, 13)]
    person = fees[0].person
    expense = services.expense_add(booking=fees[0].booking, expense_kind="travel", amount_pence=333)
    paid = {fees[0].pk: date(2026, 4, 5), fees[1].pk: date(2026, 4, 6), fees[2].pk: date(2027, 4, 5)}
    for pk, day in paid.items():
        Payment.objects.filter(pk=pk).update(status=Payment.Status.PAID, paid_on=day, amount_pence=2767)
    Payment.objects.filter(pk=expense.pk).update(status=Payment.Status.PAID, paid_on=date(2026, 12, 1))

    statement = statement_for(person, 2026)
    assert [p.pk for p in statement.lines] == [fees[1].pk, expense.pk, fees[2].pk]
    assert statement.fees_pence == 2767 * 2 and statement.expenses_pence == 333
    assert statement.fees_pence + statement.expenses_pence == sum(p.amount_pence for p in statement.lines)
    assert [p.pk for p in statement_for(person, 2025).lines] == [fees[0].pk]
    assert statement_for(person, 2027).lines == []


def test_a_new_fee_for_someone_whose_work_pays_them_starts_declined_with_the_reason(coordinator):
    earlier = fee_on(date(2027, 1, 11), coordinator)
    payment_profile_update(person=earlier.person, answer=ProfileAnswer(benefit_safe=False, paid_job=True))
    later = fee_on(date(2027, 1, 20), coordinator)  # the offer is set after they signed up
    assert (later.status, later.route, later.choice) == ("declined", "not_payable", "decline")
    assert "part of your paid job" in later.route_reason

    session = make_session(starts_at=timezone.make_aware(datetime(2027, 1, 27, 13, 30)))
    make_offer(session, actor=coordinator)
    booking = signup(session, name="Ade", email=EMAIL).booking  # signed up after the offer was set
    fee = services.fee_for_booking(booking)
    assert fee is not None and (fee.status, fee.route) == ("declined", "not_payable")


@given(
    week_others=st.integers(0, 50_000),
    month_extra=st.integers(0, 50_000),
    weekly=st.integers(0, 50_000),
    monthly=st.integers(0, 100_000),
    amount=st.integers(1, 50_000),
)
@hypothesis_settings(max_examples=200, deadline=None)
def test_an_amount_is_within_the_limits_exactly_when_it_is_at_most_what_keeps_them_under(
    week_others, month_extra, weekly, monthly, amount
):
    check = BenefitCheck(
        amount_pence=amount,
        day=date(2027, 1, 13),
        week_start=date(2027, 1, 11),
        week_end=date(2027, 1, 17),
        week_others_pence=week_others,
        month_start=date(2027, 1, 1),
        month_others_pence=week_others + month_extra,  # the month holds the week's fees and more
        weekly_limit_pence=weekly,
        monthly_limit_pence=monthly,
    )
    assert check.over == (amount > check.keeps_under_pence)
