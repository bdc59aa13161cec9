"""The consent to be credited by name is in the ledger from when it was given: the day the team
enters the credit for someone booked on the session (issue 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.involvement.models import PersonLink
from roundtable.involvement.selectors import consents_held
from roundtable.people.models import ConsentRecord, ConsentWording, Person, wording_version
from roundtable.people.services import CREDIT_WORDING
from roundtable.records.models import Consent, Output
from roundtable.records.services import output_create, output_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def came():
    session = make_session(days_ahead=-2, title="Buses")
    person = signup(make_session(), name="Ada Example", email="ada@example.org").booking.person
    Booking.objects.create(session=session, person=person, status=Booking.Status.ATTENDED)
    return session, person


def _create(session, credit: str) -> Output:
    return output_create(
        session=session, actor=make_coordinator(email=f"c{Output.objects.count()}@example.org"), kind="text",
        caption="What buses mean to us", consent=Consent.EVERYONE_AGREED, credit=credit, body="The 42",
    )  # fmt: skip


def test_entering_the_credit_records_the_yes_with_its_versioned_wording(client, came):
    session, person = came
    before = timezone.now()
    _create(session, "  ada example ")
    record = ConsentRecord.objects.get(person=person, kind="credit")
    assert record.given and record.wording == CREDIT_WORDING
    assert record.wording_version == wording_version("credit", CREDIT_WORDING)
    assert ConsentWording.objects.filter(version=record.wording_version).exists()
    assert record.created_at >= before
    held = {c.key: c for c in consents_held(person=person)}
    assert held["credit"].given_at == record.created_at and held["credit"].version == record.wording_version
    page = client.get(reverse("involvement:consents", args=[PersonLink.mint(person=person)])).content.decode()
    assert 'id="consent-credit"' in page and f"(reference {record.wording_version})" in page


def test_a_second_credit_does_not_record_it_again_but_one_after_withdrawing_does(client, came):
    session, person = came
    _create(session, "Ada Example")
    _create(session, "Ada Example")
    assert ConsentRecord.objects.filter(person=person, kind="credit").count() == 1
    client.post(reverse("involvement:withdraw", args=[PersonLink.mint(person=person), "credit"]))
    assert not ConsentRecord.objects.filter(person=person, kind="credit").latest("created_at").given
    assert "credit" not in {c.key for c in consents_held(person=person)}
    # Agreed again on a later day: credited again, and the ledger shows the new "yes".
    ConsentRecord.objects.filter(person=person).update(created_at=timezone.now() - timedelta(minutes=5))
    _create(session, "Ada Example")
    latest = ConsentRecord.objects.filter(person=person, kind="credit").latest("created_at")
    assert latest.given
    assert {c.key: c for c in consents_held(person=person)}["credit"].given_at == latest.created_at


def test_changing_an_outputs_credit_to_their_name_records_it(came):
    session, person = came
    output = _create(session, "")
    assert not ConsentRecord.objects.filter(kind="credit").exists()
    output_update(output=output, actor=make_coordinator(email="e@example.org"), caption=output.caption,
                  consent=output.consent, credit="Ada Example", body="The 42")  # fmt: skip
    assert ConsentRecord.objects.filter(person=person, kind="credit", given=True).count() == 1


def test_a_namesake_who_was_not_at_the_session_is_not_recorded(came):
    session, _person = came
    namesake = Person.objects.create(email="other-ada@example.org", name="Ada Example")
    _create(session, "Ada Example")
    assert not ConsentRecord.objects.filter(person=namesake).exists()
    _create(make_session(days_ahead=-9), "Ada Example")  # nobody with that name was booked on it
    assert ConsentRecord.objects.filter(kind="credit").count() == 1
