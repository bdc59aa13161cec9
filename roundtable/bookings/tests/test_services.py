from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from roundtable.bookings import services
from roundtable.bookings.errors import SignupClosed
from roundtable.bookings.models import AccessNeeds, Booking, ManageLink
from roundtable.bookings.services import AccessNeedsAnswer, booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def test_places_fill_then_waiting_list_numbers_people_in_order():
    session = make_session(capacity=2)
    results = [signup(session, n) for n in range(5)]
    assert [r.booking.status for r in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [r.waiting_list_position for r in results] == [None, None, 1, 2, 3]


def test_same_email_twice_gives_one_booking_and_one_email_for_a_while():
    session = make_session()
    first = signup(session, 1, email="Sam@Example.org")
    again = signup(session, 1, email="sam@example.org ")
    assert again.created is False and again.booking.pk == first.booking.pk
    assert Booking.objects.filter(session=session).count() == 1
    assert OutboundEmail.objects.filter(booking_id=first.booking.pk, template="booking_confirmation").count() == 1


def test_same_email_after_the_quiet_time_resends_the_confirmation(settings):
    settings.SIGNUP_REPEAT_QUIET_MINUTES = 15
    session = make_session()
    first = signup(session, 1, email="sam@example.org")
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=14))
    signup(session, 1, email="sam@example.org")
    assert OutboundEmail.objects.filter(booking_id=first.booking.pk).count() == 1  # still quiet
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    signup(session, 1, email="sam@example.org")
    emails = OutboundEmail.objects.filter(booking_id=first.booking.pk).order_by("id")
    assert [e.context for e in emails] == [
        {"booking_id": first.booking.pk},
        {"booking_id": first.booking.pk, "again": True},
    ]


def test_cancelling_promotes_the_oldest_on_the_waiting_list_and_revokes_links():
    session = make_session(capacity=1)
    holder = signup(session, 1).booking
    first_waiting = signup(session, 2).booking
    signup(session, 3)
    raw = ManageLink.mint(booking=holder)
    _, promoted = booking_cancel(booking_id=holder.pk)
    assert [b.pk for b in promoted] == [first_waiting.pk]
    assert ManageLink.booking_for(raw) is None
    assert Booking.objects.get(pk=first_waiting.pk).status == "confirmed"
    assert AuditEntry.objects.filter(verb="booking.promoted", target_id=str(first_waiting.pk)).exists()


def test_access_needs_kept_only_with_consent():
    session = make_session()
    without = signup(session, 1, access_needs=AccessNeedsAnswer(needs=["bsl"], consent=False)).booking
    with_consent = signup(
        session, 2, access_needs=AccessNeedsAnswer(needs=["bsl", "nonsense"], details="Left-handed desk", consent=True)
    ).booking
    assert not AccessNeeds.objects.filter(booking=without).exists()
    needs = AccessNeeds.objects.get(booking=with_consent)
    assert needs.needs == ["bsl"] and needs.details == "Left-handed desk"


def test_cancelled_session_refuses_sign_up():
    session = make_session(status="cancelled")
    with pytest.raises(SignupClosed, match="cancelled"):
        signup(session, 1)
    assert not Booking.objects.exists()


def test_confirmation_email_is_sent_by_the_worker_after_commit():
    session = make_session(capacity=1)
    signup(session, 1)
    assert mail.outbox == []
    run_tasks()
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get().state == "sent"


def test_check_in_marks_attended_and_undo_puts_it_back():
    from roundtable.bookings.services import booking_mark_attendance

    session = make_session(capacity=1)
    booking = signup(session, 1).booking
    assert booking_mark_attendance(booking_id=booking.pk, attended=True, actor=None).status == "attended"
    assert booking_mark_attendance(booking_id=booking.pk, attended=None, actor=None).status == "confirmed"
    assert booking_mark_attendance(booking_id=booking.pk, attended=False, actor=None).status == "no_show"


def test_moving_someone_to_the_waiting_list_gives_their_place_to_the_first_already_waiting():
    from roundtable.bookings.waiting_list import booking_move_to_waiting_list

    session = make_session(capacity=1)
    holder = signup(session, 1).booking
    waiting = signup(session, 2).booking
    moved, promoted = booking_move_to_waiting_list(booking_id=holder.pk, actor=None)
    assert [b.pk for b in promoted] == [waiting.pk]
    assert Booking.objects.get(pk=holder.pk).status == "waitlisted"
    assert Booking.objects.get(pk=holder.pk).waiting_list_position() == 1
    run_tasks()
    told = [m for m in mail.outbox if m.subject.startswith("You are now on the waiting list")]
    assert len(told) == 1 and "number 1 on the list" in told[0].body


def test_promoting_by_hand_never_goes_over_capacity():
    from roundtable.bookings.errors import BookingStateError
    from roundtable.bookings.waiting_list import booking_promote

    session = make_session(capacity=1)
    signup(session, 1)
    waiting = signup(session, 2).booking
    with pytest.raises(BookingStateError, match="no free place"):
        booking_promote(booking_id=waiting.pk, actor=None)
    session.capacity = 2
    session.save()
    assert booking_promote(booking_id=waiting.pk, actor=None).status == "confirmed"


def test_walk_in_is_added_as_attended_even_when_full():
    from roundtable.bookings.services import booking_walk_in

    session = make_session(capacity=1)
    signup(session, 1)
    walk_in = booking_walk_in(session_id=session.pk, name="Rowan", actor=None)
    assert walk_in.status == "attended" and walk_in.person.email.endswith("@walk-in.invalid")


def test_a_sign_up_with_someone_elses_email_never_changes_their_details():
    first = signup(make_session(), 1, email="kim@example.org", name="Kim", pronouns="she/her")
    signup(make_session(), 2, email="kim@example.org", name="Not Kim", pronouns="they/them", interests="art")
    signup(make_session(), 3, email="KIM@example.org", name="Still not Kim")  # and a repeat on a session
    person = first.booking.person
    person.refresh_from_db()
    assert (person.name, person.pronouns, person.interests) == ("Kim", "she/her", "art")


def test_opting_in_to_updates_is_remembered_and_never_undone_by_a_later_sign_up():
    booking = signup(make_session(), 1, email="ola@example.org", wants_updates=True).booking
    signup(make_session(), 2, email="ola@example.org", wants_updates=False)
    booking.person.refresh_from_db()
    assert booking.person.wants_updates is True


def test_the_position_told_matches_the_stored_order_even_when_another_clock_ran_ahead():
    """Another server with its clock a minute fast put someone on the waiting list "in the future";
    the next person still goes after them, and is told the number the waiting list will show."""
    from datetime import timedelta

    from django.utils import timezone

    session = make_session(capacity=1)
    signup(session, 1)
    ahead = signup(session, 2).booking
    Booking.objects.filter(pk=ahead.pk).update(waitlisted_at=timezone.now() + timedelta(minutes=1))
    latest = signup(session, 3)
    assert latest.waiting_list_position == 2
    assert latest.booking.waiting_list_position() == 2
    assert latest.booking.waitlisted_at >= Booking.objects.get(pk=ahead.pk).waitlisted_at


def test_the_email_is_written_with_the_booking_and_rolls_back_with_it():
    """The outbox row is the mailer's queue, written in the same transaction as the booking: both
    commit together or not at all, and nothing else is queued for the email."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    session = make_session()
    with pytest.raises(RuntimeError), transaction.atomic():
        signup(session, 1)
        assert OutboundEmail.objects.count() == 1  # already there, inside the transaction
        raise RuntimeError("something after the sign-up failed")
    assert not Booking.objects.exists() and not OutboundEmail.objects.exists()
    assert not DBTaskResult.objects.exists()
    signup(session, 2)
    run_tasks()
    assert len(mail.outbox) == 1


def test_a_refused_sign_up_leaves_no_new_person_behind():
    """The person is added before the session is locked; a refusal rolls that back too."""
    from roundtable.people.models import Person

    session = make_session(status="cancelled")
    with pytest.raises(SignupClosed):
        signup(session, 1, email="new-to-us@example.org")
    assert not Person.objects.filter(email="new-to-us@example.org").exists()


def test_someone_already_known_is_taken_as_they_are_and_someone_new_is_added():
    """The email decides: a known person's row is used with nothing of ours written (a parallel
    sign-up that added them a moment ago included); a new one is added with what they told us."""
    from roundtable.people.models import Person
    from roundtable.people.services import person_find_or_add

    theirs = Person.objects.create(email="sam@example.org", name="Sam")
    person, added = person_find_or_add(email="Sam@example.org", name="Somebody else", pronouns="they/them")
    assert (person.pk, added) == (theirs.pk, False)
    assert Person.objects.get().name == "Sam" and Person.objects.get().pronouns == ""

    person, added = person_find_or_add(
        email=" New@Example.org ", name="Ama", pronouns="she/her", perspectives=["carer", "carer", "nonsense"]
    )
    assert added and person.pk == Person.objects.get(email="new@example.org").pk
    stored = Person.objects.get(pk=person.pk)
    assert (stored.name, stored.pronouns, stored.perspectives) == ("Ama", "she/her", ["carer"])
    assert stored.created_at is not None and stored.updated_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_by_someone_new_is_eight_statements_on_either_database():
    """Pinned, because every sign-up for a session queues on its lock: begin, add the person, lock
    the session, count, write the booking, its audit entry and its email, commit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = make_session(capacity=1)
    signup(session, 1)
    with CaptureQueriesContext(connection) as queries:
        signup(session, 2)
    kinds = [" ".join(q["sql"].split()[:3]) for q in queries.captured_queries]
    assert kinds[0].startswith("BEGIN") and kinds[-1] == "COMMIT"
    assert kinds[1:-1] == [
        'INSERT INTO "people_person"',
        "SELECT * FROM",
        "SELECT COUNT(CASE WHEN",
        'INSERT INTO "bookings_booking"',
        'INSERT INTO "core_auditentry"',
        'INSERT INTO "core_outboundemail"',
    ]


def test_a_sign_up_whose_connection_was_closed_is_tried_again_and_a_refused_one_is_not():
    """The retry's rule (the live test kills real PostgreSQL connections): InterfaceError means the
    connection was gone, so the sign-up (rolled back) runs again, up to three attempts in all; a refused statement, such as
    a deadlock, is not retried; and nothing is retried inside a caller's transaction."""
    session = make_session()
    real = services._booking_create
    calls = []

    def drop_first(**kwargs):
        calls.append(kwargs.get("ours_since"))
        if len(calls) == 1:
            raise InterfaceError("connection already closed")
        return real(**kwargs)

    with mock.patch.object(services, "_booking_create", side_effect=drop_first):
        result = signup(session, 1)
    assert result.created and result.told_status == "confirmed"
    assert calls[0] is None and calls[1] is not None and len(calls) == 2

    # A retry that loses its connection too is tried again, up to three attempts in all.
    with mock.patch.object(services, "_booking_create", side_effect=InterfaceError("gone")) as always:
        with pytest.raises(InterfaceError):
            signup(session, 4)
    assert always.call_count == services.SIGNUP_ATTEMPTS == 3

    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = type("Cause", (Exception,), {"sqlstate": "40P01"})()
    with mock.patch.object(services, "_booking_create", side_effect=deadlock) as refused:
        with pytest.raises(OperationalError):
            signup(session, 2)
    assert refused.call_count == 1

    with mock.patch.object(services, "_booking_create", side_effect=InterfaceError("gone")) as inside:
        with pytest.raises(InterfaceError), transaction.atomic():
            signup(session, 3)
    assert inside.call_count == 1
    assert Booking.objects.filter(session=session).count() == 1
