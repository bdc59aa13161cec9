from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_mark_attendance
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.payments import services
from roundtable.payments.models import Payment, Rate, pounds
from roundtable.payments.services import ChoiceAnswer, PaymentNotAllowed, PaymentStateError
from roundtable.payments.testing import make_offer, make_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_coordinator("sam@example.org"), make_coordinator("ola@example.org", name="Ola")


def _offered(team, *, quantity="3"):
    session = make_session()
    booking = signup(session).booking
    make_offer(session, actor=team[0], quantity=quantity)
    return booking, Payment.objects.get(booking=booking)


def test_seven_hours_at_27_50_plus_three_miles_at_33p_is_193_49_to_the_penny(team):
    session = make_session()
    booking = signup(session).booking
    make_rate(amount_pence=33, unit=Rate.Unit.MILE, name="Mileage")
    make_offer(session, actor=team[0], quantity="7")
    fee = Payment.objects.get(booking=booking, kind="fee")
    travel = services.expense_add(booking=booking, expense_kind="travel", miles="3", actor=team[0])
    assert (fee.amount_pence, travel.amount_pence) == (19250, 99)
    assert pounds(fee.amount_pence + travel.amount_pence) == "£193.49"
    assert all(isinstance(p.amount_pence, int) for p in Payment.objects.all())


def test_odd_quantities_round_half_up_to_a_whole_penny(team):
    rate = make_rate(amount_pence=1333)
    session = make_session()
    signup(session)
    offer = services.offer_set(session=session, rate=rate, quantity="1.5", actor=team[0])
    assert offer.fee_pence == 2000  # 1999.5 → 2000


def test_setting_an_offer_gives_everyone_with_a_place_an_offered_fee_but_not_the_waiting_list(team):
    session = make_session(capacity=1)
    placed = signup(session).booking
    waiting = signup(session).booking
    assert waiting.status == Booking.Status.WAITLISTED
    make_offer(session, actor=team[0])
    assert list(Payment.objects.values_list("booking_id", "status", "amount_pence")) == [(placed.pk, "offered", 8250)]


def test_changing_the_offer_moves_unanswered_fees_but_keeps_what_someone_agreed(team):
    session = make_session()
    first, second = signup(session).booking, signup(session).booking
    make_offer(session, actor=team[0])
    agreed = Payment.objects.get(booking=first)
    services.payment_choose(payment_id=agreed.pk, answer=ChoiceAnswer("accept"))
    services.offer_set(session=session, rate=make_rate(amount_pence=3000), quantity="2", actor=team[0])
    assert Payment.objects.get(booking=first).amount_pence == 8250
    assert Payment.objects.get(booking=second).amount_pence == 6000


def test_an_offer_refuses_mileage_rates_rates_not_in_effect_and_silly_hours(team):
    session = make_session()
    mileage = make_rate(amount_pence=45, unit=Rate.Unit.MILE)
    with pytest.raises(ValidationError) as error:
        services.offer_set(session=session, rate=mileage, quantity="3", actor=team[0])
    assert "rate" in error.value.message_dict
    old = make_rate(effective_from=date(2019, 1, 1), effective_to=date(2019, 12, 31))
    with pytest.raises(ValidationError) as error:
        services.offer_set(session=session, rate=old, quantity="1e9", actor=team[0])
    assert set(error.value.message_dict) == {"rate", "quantity"}
    assert not Payment.objects.exists()


def test_marking_someone_attended_makes_their_accepted_fee_due_and_undo_takes_it_back(team):
    booking, fee = _offered(team)
    services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
    booking_mark_attendance(booking_id=booking.pk, attended=True, actor=team[0])
    fee.refresh_from_db()
    assert fee.status == "due"
    booking_mark_attendance(booking_id=booking.pk, attended=None, actor=team[0])
    fee.refresh_from_db()
    assert fee.status == "accepted"
    entry = AuditEntry.objects.filter(verb="payment.not_due").get()
    assert entry.data == {"from_status": "due", "to_status": "accepted"}


def test_a_no_show_gets_nothing_due(team):
    booking, fee = _offered(team)
    services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
    booking_mark_attendance(booking_id=booking.pk, attended=False, actor=team[0])
    fee.refresh_from_db()
    assert fee.status == "accepted"


def test_accepting_after_coming_is_due_at_once(team):
    booking, fee = _offered(team)
    booking_mark_attendance(booking_id=booking.pk, attended=True, actor=team[0])
    fee = services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("voucher"))
    assert (fee.status, fee.choice) == ("due", "voucher")


def test_asking_for_less_must_be_less_and_more_than_nothing(team):
    _booking, fee = _offered(team)
    for amount in (None, 0, 8250, 9000):
        with pytest.raises(ValidationError) as error:
            services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("less", amount_pence=amount))
        assert "amount" in error.value.message_dict
    fee = services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("less", amount_pence=2000))
    assert (fee.status, fee.amount_pence, fee.offered_pence) == ("accepted", 2000, 8250)


def test_donating_needs_a_charity_and_declining_is_recorded(team):
    _booking, fee = _offered(team)
    with pytest.raises(ValidationError):
        services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("donate"))
    fee = services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("donate", donate_to="Carers UK"))
    assert fee.donate_to == "Carers UK"
    fee = services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("decline"))
    assert (fee.status, fee.donate_to) == ("declined", "")


def _due(team):
    booking, fee = _offered(team)
    services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
    booking_mark_attendance(booking_id=booking.pk, attended=True, actor=team[0])
    return fee


def test_the_coordinator_who_set_it_up_cannot_approve_it_in_a_team_of_two(team):
    fee = _due(team)
    with pytest.raises(PaymentNotAllowed):
        services.payment_approve(payment_id=fee.pk, actor=team[0])
    fee = services.payment_approve(payment_id=fee.pk, actor=team[1])
    assert (fee.status, fee.approved_by) == ("approved", team[1])


def test_a_coordinator_on_their_own_may_approve_what_they_set_up():
    solo = make_coordinator("solo@example.org")
    session = make_session()
    booking = signup(session).booking
    make_offer(session, actor=solo)
    fee = Payment.objects.get()
    services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
    booking_mark_attendance(booking_id=booking.pk, attended=True, actor=solo)
    assert services.payment_approve(payment_id=fee.pk, actor=solo).status == "approved"


def test_approving_twice_or_paying_what_is_not_approved_is_refused(team):
    fee = _due(team)
    with pytest.raises(PaymentStateError):
        services.payment_mark_paid(
            payment_id=fee.pk, method="bank_transfer", paid_on=date.today(), reference="", actor=team[1]
        )
    services.payment_approve(payment_id=fee.pk, actor=team[1])
    with pytest.raises(PaymentStateError):
        services.payment_approve(payment_id=fee.pk, actor=team[1])
    assert AuditEntry.objects.filter(verb="payment.approved").count() == 1


def test_paying_records_date_method_and_reference_and_then_nothing_changes(team):
    fee = _due(team)
    services.payment_approve(payment_id=fee.pk, actor=team[1])
    with pytest.raises(ValidationError) as error:
        services.payment_mark_paid(
            payment_id=fee.pk,
            method="cash",
            paid_on=timezone.localdate() + timedelta(days=1),
            reference="x" * 101,
            actor=team[1],
        )
    assert set(error.value.message_dict) == {"method", "paid_on", "reference"}
    fee = services.payment_mark_paid(
        payment_id=fee.pk, method="bank_transfer", paid_on=date.today(), reference="BACS 123", actor=team[1]
    )
    assert (fee.status, fee.method, fee.reference) == ("paid", "bank_transfer", "BACS 123")
    assert fee.paid_at is not None
    with pytest.raises(PaymentStateError):
        services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("decline"))
    with pytest.raises(PaymentStateError):
        services.payment_reject(payment_id=fee.pk, reason="Changed our minds", actor=team[1])


def test_rejecting_needs_a_reason_the_person_sees(team):
    fee = _due(team)
    with pytest.raises(ValidationError):
        services.payment_reject(payment_id=fee.pk, reason="  ", actor=team[1])
    fee = services.payment_reject(
        payment_id=fee.pk, reason="You told us you are paid for this by your employer.", actor=team[1]
    )
    assert fee.status == "rejected"
    entry = AuditEntry.objects.get(verb="payment.rejected")
    assert (entry.actor, entry.data["from_status"], entry.data["to_status"]) == (team[1], "due", "rejected")


def test_changing_the_choice_after_approval_needs_approving_again(team):
    fee = _due(team)
    services.payment_approve(payment_id=fee.pk, actor=team[1])
    fee = services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("less", amount_pence=1000))
    assert (fee.status, fee.approved_by) == ("due", None)


def test_someone_who_signs_up_after_the_offer_gets_one_fee_however_often_asked(team):
    session = make_session()
    make_offer(session, actor=team[0])
    booking = signup(session).booking
    first = services.fee_for_booking(booking)
    assert first is not None and services.fee_for_booking(booking) == first
    assert Payment.objects.count() == 1
    assert first.amount_pence == 8250 and Decimal(first.amount_pence) == 8250


def test_the_public_session_page_says_what_is_paid_once_there_is_an_offer(client, team):
    session = make_session()
    url = reverse("bookings:session_detail", args=[session.pk])
    assert "We pay" not in client.get(url).content.decode()
    make_offer(session, actor=team[0], quantity="3")
    assert "We pay £82.50 for this session and repay travel and care costs." in client.get(url).content.decode()
