from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.bookings.selectors import how_places_are_allocated
from roundtable.bookings.services import booking_cancel
from roundtable.bookings.testing import signup
from roundtable.bookings.waiting_list import promote_waiting_list
from roundtable.cocreation.models import ReservedPlaces
from roundtable.cocreation.testing import make_session

pytestmark = pytest.mark.django_db(transaction=True)


def _hold(session, places, *, perspectives=(), newcomers=False, days=7):
    return ReservedPlaces.objects.create(
        session=session,
        places=places,
        perspectives=list(perspectives),
        for_newcomers=newcomers,
        release_at=timezone.now() + timedelta(days=days),
    )


def test_held_places_go_only_to_people_with_that_perspective():
    session = make_session(capacity=4)
    _hold(session, 2, perspectives=["lived_experience"])
    statuses = [signup(session, n, perspectives=["researcher"]).booking.status for n in range(3)]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    lived = signup(session, 10, perspectives=["lived_experience"]).booking
    assert lived.status == "confirmed" and lived.reserved_place is not None


def test_an_eligible_person_takes_a_held_place_first_leaving_open_places():
    session = make_session(capacity=3)
    pool = _hold(session, 1, perspectives=["carer"])
    carer = signup(session, 1, perspectives=["carer"]).booking
    assert carer.reserved_place_id == pool.pk
    assert [signup(session, n).booking.status for n in (2, 3, 4)] == ["confirmed", "confirmed", "waitlisted"]


def test_waiting_list_passes_over_people_who_cannot_take_the_freed_held_place():
    session = make_session(capacity=2)
    _hold(session, 1, newcomers=True)
    earlier = make_session(capacity=5, days_ahead=-30, status="published")
    # Person 1 has come before, so is not a newcomer.
    old = signup(make_session(capacity=5), 1).booking  # a booking elsewhere, then mark an attended one
    Booking.objects.create(session=earlier, person=old.person, status="attended")
    newcomer_holder = signup(session, 2).booking  # newcomer: takes the held place
    signup(session, 1)  # returning: takes the open place
    returning_waiting = signup(session, 3, perspectives=[]).booking
    Booking.objects.create(session=earlier, person=returning_waiting.person, status="attended")
    newcomer_waiting = signup(session, 4).booking
    assert returning_waiting.status == newcomer_waiting.status == "waitlisted"
    _, promoted = booking_cancel(booking_id=newcomer_holder.pk)
    assert [b.pk for b in promoted] == [newcomer_waiting.pk]
    assert Booking.objects.get(pk=returning_waiting.pk).status == "waitlisted"


def test_released_places_open_to_everyone_and_promote_in_order():
    session = make_session(capacity=2)
    pool = _hold(session, 1, perspectives=["student"])
    first = signup(session, 1).booking
    second = signup(session, 2).booking
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    ReservedPlaces.objects.filter(pk=pool.pk).update(release_at=timezone.now() - timedelta(minutes=1))
    promoted = promote_waiting_list(session_id=session.pk)
    assert [b.pk for b in promoted] == [second.pk]


def test_public_explanation_names_who_places_are_kept_for():
    session = make_session(capacity=30)
    _hold(session, 10, perspectives=["lived_experience"])
    text = " ".join(how_places_are_allocated(session))
    assert "10 places are kept for people with lived experience until" in text
    assert "open to everyone" in text
    assert "Right now 30 places are left: 10 of them kept as above, 20 open to everyone." in text
