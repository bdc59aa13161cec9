"""A fee is made when a booking gains a place on a session that pays, never when a page is read."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_cancel, booking_walk_in
from roundtable.bookings.testing import signup
from roundtable.bookings.waiting_list import booking_promote
from roundtable.cocreation.testing import make_session
from roundtable.payments.models import Payment
from roundtable.payments.testing import make_offer
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_session():
    coordinator = make_coordinator()
    session = make_session(capacity=1)
    make_offer(session, actor=coordinator, quantity="3")
    return session, coordinator


def test_signing_up_with_a_place_makes_the_fee_and_the_waiting_list_does_not(paid_session):
    session, _ = paid_session
    placed = signup(session).booking
    waiting = signup(session).booking
    assert waiting.status == "waitlisted"
    fees = Payment.objects.filter(session=session, kind="fee")
    assert [(f.person_id, f.amount_pence, f.status) for f in fees] == [(placed.person_id, 8250, "offered")]


def test_promotion_when_a_place_frees_makes_the_fee(paid_session):
    session, _ = paid_session
    placed = signup(session).booking
    waiting = signup(session).booking
    booking_cancel(booking_id=placed.pk)
    assert Payment.objects.filter(person_id=waiting.person_id, kind="fee").exists()


def test_a_coordinator_promoting_by_hand_or_adding_a_walk_in_makes_the_fee(paid_session):
    session, coordinator = paid_session
    session.capacity = 3
    session.save()
    first = signup(session).booking
    session.capacity = 1
    session.save()
    waiting = signup(session).booking
    session.capacity = 3
    session.save()
    booking_promote(booking_id=waiting.pk, actor=coordinator)
    walk_in = booking_walk_in(session_id=session.pk, name="Dee", actor=coordinator)
    people = set(Payment.objects.filter(session=session, kind="fee").values_list("person_id", flat=True))
    assert people == {first.person_id, waiting.person_id, walk_in.person_id}


def test_the_migration_makes_the_fees_the_old_page_would_have_made_on_a_get(paid_session):
    migration = importlib.import_module("roundtable.payments.migrations.0002_expense_claims")
    session, coordinator = paid_session
    person = Person.objects.create(name="Kit", email="kit@example.org")
    Booking.objects.create(session=session, person=person, status=Booking.Status.CONFIRMED)  # no signal sent
    assert not Payment.objects.filter(person=person).exists()
    migration.make_missing_fees(apps, None)
    migration.make_missing_fees(apps, None)  # twice: still one fee
    fee = Payment.objects.get(person=person)
    assert (fee.kind, fee.amount_pence, fee.status, fee.created_by_id) == ("fee", 8250, "offered", coordinator.pk)
