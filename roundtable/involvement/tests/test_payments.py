from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.services import booking_mark_attendance
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.involvement.models import PersonLink
from roundtable.payments.models import Payment
from roundtable.payments.testing import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered():
    coordinator = make_coordinator()
    session = make_session(title="Planning the garden")
    make_offer(session, actor=coordinator, quantity="3")
    booking = signup(session).booking  # after the offer: their fee is made as they get their place
    return {"booking": booking, "token": PersonLink.mint(person=booking.person), "coordinator": coordinator}


def test_someone_sees_the_offer_and_accepts_it_and_it_becomes_due_when_they_come(client, offered):
    page = client.get(reverse("involvement:payments", args=[offered["token"]]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Planning the garden" in text and "£82.50" in text and "Waiting for your choice" in text
    fee = Payment.objects.get()
    url = reverse("involvement:payment_choice", args=[offered["token"], fee.pk])
    response = client.post(url, {f"p{fee.pk}-choice": "accept"})
    assert response.status_code == 302
    booking_mark_attendance(booking_id=offered["booking"].pk, attended=True, actor=offered["coordinator"])
    assert Payment.objects.get().status == "due"
    assert (
        "Due: we will pay it soon"
        in client.get(reverse("involvement:payments", args=[offered["token"]])).content.decode()
    )


def test_asking_for_more_than_offered_is_refused_next_to_the_amount(client, offered):
    client.get(reverse("involvement:payments", args=[offered["token"]]))
    fee = Payment.objects.get()
    url = reverse("involvement:payment_choice", args=[offered["token"], fee.pk])
    response = client.post(url, {f"p{fee.pk}-choice": "less", f"p{fee.pk}-amount": "90"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter an amount more than £0 and less than £82.50" in text
    assert f'href="#id_p{fee.pk}-amount"' in text
    assert Payment.objects.get().status == "offered"
    assert client.post(url, {f"p{fee.pk}-choice": "less", f"p{fee.pk}-amount": "20.50"}).status_code == 302
    assert Payment.objects.get().amount_pence == 2050


def test_someone_elses_payment_is_not_found(client, offered):
    other = signup(offered["booking"].session).booking
    client.get(reverse("involvement:payments", args=[PersonLink.mint(person=other.person)]))
    theirs = Payment.objects.get(person=other.person)
    url = reverse("involvement:payment_choice", args=[offered["token"], theirs.pk])
    assert client.post(url, {f"p{theirs.pk}-choice": "decline"}).status_code == 404
    assert Payment.objects.get(pk=theirs.pk).status == "offered"


def test_someone_sees_why_their_fee_was_changed(client, offered):
    from roundtable.payments import services
    from roundtable.payments.services import ChoiceAnswer

    fee = services.fee_for_booking(offered["booking"])
    services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
    services.fee_change_hours(
        payment_id=fee.pk, hours="2", reason="you came for the first two hours", actor=make_coordinator("b@example.org")
    )
    text = client.get(reverse("involvement:payments", args=[offered["token"]])).content.decode()
    assert "Changed because you came for the first two hours" in text
    assert "£55.00" in text and "(we offered £55.00)" not in text
