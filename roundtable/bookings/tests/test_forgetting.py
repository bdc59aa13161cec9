"""What bookings forget about a person, and the one way access needs are ever deleted."""

from __future__ import annotations

import pytest
from django.utils import timezone

from roundtable.bookings.forgetting import forget_bookings
from roundtable.bookings.models import AccessArrangement, AccessNeeds, Booking, ManageLink
from roundtable.bookings.retention import delete_access_needs
from roundtable.bookings.services import AccessNeedsAnswer, access_needs_update, booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Bea Booker", "bea@example.org"
KEEP = AccessNeedsAnswer(needs=["bsl"], details="An interpreter, please", consent=True, keep_on_file=True)


def test_forgetting_cancels_their_places_so_the_next_person_waiting_gets_one_and_keeps_the_past():
    full = make_session(capacity=1)
    mine = signup(
        full,
        name=NAME,
        email=EMAIL,
        dietary_kinds=["vegan"],
        dietary_needs="Vegan",
        heard_about="Radio",
        access_needs=KEEP,
    ).booking
    waiting = signup(full, name="Next", email="next@example.org").booking
    elsewhere = signup(make_session(capacity=0), name=NAME, email=EMAIL).booking
    past = Booking.objects.create(
        session=make_session(days_ahead=-10), person=mine.person, status=Booking.Status.ATTENDED,
        dietary_kinds=["halal"], dietary_needs="Halal",
    )  # fmt: skip
    ManageLink.mint(booking=mine)
    AccessArrangement.objects.create(session=full, need="bsl", note=f"Book an interpreter for {NAME}")

    assert forget_bookings(mine.person_id, EMAIL, NAME, None) > 0

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses[mine.pk] == statuses[elsewhere.pk] == Booking.Status.CANCELLED
    assert statuses[waiting.pk] == Booking.Status.CONFIRMED  # promoted into the freed place
    assert statuses[past.pk] == Booking.Status.ATTENDED  # still counted as attendance
    assert not Booking.objects.filter(person=mine.person).exclude(dietary_needs="", heard_about="").exists()
    assert not Booking.objects.filter(person=mine.person).exclude(dietary_kinds=[]).exists()
    assert not AccessNeeds.objects.filter(booking__person=mine.person).exists()  # even kept on file
    assert not ManageLink.objects.filter(booking__person=mine.person).exists()
    assert AccessArrangement.objects.get().note == "Book an interpreter for [removed]"
    assert not AuditEntry.objects.filter(target_type="bookings.booking", target_label__icontains=NAME).exists()


def test_cancelling_keeps_access_needs_on_file_when_asked_and_deletes_the_rest():
    session = make_session()
    kept = signup(session, 1, access_needs=KEEP).booking
    dropped = signup(session, 2, access_needs=AccessNeedsAnswer(needs=["bsl"], consent=True)).booking
    booking_cancel(booking_id=kept.pk)
    booking_cancel(booking_id=dropped.pk)
    assert list(AccessNeeds.objects.values_list("booking_id", flat=True)) == [kept.pk]


def test_withdrawing_consent_deletes_access_needs_even_those_kept_on_file():
    booking = signup(make_session(), 1, access_needs=KEEP).booking
    access_needs_update(booking=booking, answer=AccessNeedsAnswer(needs=["bsl"], consent=False))
    assert not AccessNeeds.objects.exists()


def test_deleting_access_needs_is_audited_with_the_reason_and_count_and_nothing_about_who():
    session = make_session()
    bookings = [signup(session, n, name=f"Named {n}", access_needs=KEEP).booking for n in (1, 2)]
    AccessNeeds.objects.filter(booking=bookings[0]).update(keep_on_file=False)
    ids = [b.pk for b in bookings]
    assert delete_access_needs(bookings=ids, reason="testing", actor="tester", spare_kept_on_file=True) == 1
    assert delete_access_needs(bookings=Booking.objects.filter(pk__in=ids), reason="testing again") == 1
    assert delete_access_needs(bookings=ids, reason="nothing left") == 0
    entries = AuditEntry.objects.filter(verb="access_needs.deleted").order_by("id")
    assert [(e.actor_label, e.data) for e in entries] == [
        ("tester", {"reason": "testing", "deleted": 1}),
        ("system", {"reason": "testing again", "deleted": 1}),
    ]
    assert all(e.target_label == "" and "Named" not in str(e.data) for e in entries)


def test_access_needs_after_the_session_are_a_named_retention_rule(settings):
    from roundtable.core.retention import apply_retention

    settings.ACCESS_NEEDS_RETENTION_DAYS = 30
    old = Booking.objects.create(
        session=make_session(days_ahead=-40, status="draft"),
        person=signup(make_session(), 1).booking.person,
        status=Booking.Status.ATTENDED,
    )
    AccessNeeds.objects.create(booking=old, needs=["bsl"], consent_given_at=timezone.now())
    assert apply_retention(only="access needs after the session") == {"access needs after the session": 1}
    assert not AccessNeeds.objects.exists()


def test_dietary_needs_go_with_the_access_needs_after_the_session_whatever_was_kept_on_file(settings):
    from roundtable.core.retention import apply_retention

    settings.ACCESS_NEEDS_RETENTION_DAYS = 30
    ended = make_session(days_ahead=-40, status="draft")
    person = signup(make_session(), 1).booking.person
    old = Booking.objects.create(
        session=ended, person=person, status=Booking.Status.ATTENDED, dietary_kinds=["halal", "other"],
        dietary_needs="No mushrooms",
    )  # fmt: skip
    AccessNeeds.objects.create(booking=old, needs=["bsl"], keep_on_file=True, consent_given_at=timezone.now())
    upcoming = signup(make_session(), 2, dietary_kinds=["vegan"]).booking

    assert apply_retention(only="access needs after the session") == {"access needs after the session": 1}

    old.refresh_from_db()
    assert (old.dietary_kinds, old.dietary_needs) == ([], "")
    assert AccessNeeds.objects.filter(booking=old).exists()  # kept on file, as they asked
    assert Booking.objects.get(pk=upcoming.pk).dietary_kinds == ["vegan"]
    entry = AuditEntry.objects.get(verb="dietary_needs.deleted")
    assert entry.data == {"reason": "the session ended a while ago", "deleted": 1}


def test_cancelling_a_place_deletes_its_dietary_needs():
    booking = signup(make_session(), 1, dietary_kinds=["gluten_free"], dietary_needs="Coeliac").booking
    booking_cancel(booking_id=booking.pk)
    booking.refresh_from_db()
    assert (booking.dietary_kinds, booking.dietary_needs) == ([], "")
