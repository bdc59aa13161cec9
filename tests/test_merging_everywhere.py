"""Merging two records of the same person keeps everything: every app that holds a foreign key to
Person registers a merger, and a person who touched those parts keeps it all after a merge."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core import merging
from roundtable.core.models import AuditEntry
from roundtable.evaluation.models import FeedbackResponse
from roundtable.involvement.models import PersonLink
from roundtable.people.models import ConsentRecord, Person, PersonNote
from roundtable.people.services import consent_record, note_add, person_merge
from roundtable.records.models import Output

pytestmark = pytest.mark.django_db


def test_every_app_holding_a_foreign_key_to_person_registers_a_merger():
    registered = {m.name for m in merging.mergers()}
    holders = {
        relation.related_model._meta.app_label
        for relation in Person._meta.related_objects
        if relation.related_model is not Person
    }
    assert holders, "the check must see the apps that point at Person"
    assert holders - registered == set()
    assert merging.mergers()[-1].name == "people"


def test_merging_moves_everything_to_the_kept_record_and_deletes_the_other():
    coordinator = make_coordinator()
    keep = Person.objects.create(email="ama@example.org", name="Ama Owusu", perspectives=["carer"])
    drop = Person.objects.create(email="ama.o@work.example", name="Ama O", phone="0123", perspectives=["researcher"])
    past = make_session(days_ahead=-10, title="Spring planning")
    Booking.objects.create(session=past, person=drop, status=Booking.Status.ATTENDED)
    Output.objects.create(
        session=past, kind="text", caption="A map", body="x", credit="Ama O", consent="everyone_agreed"
    )
    consent_record(person=drop, kind=ConsentRecord.Kind.HEALTH_DATA, given=True, wording="Yes", source="web")
    note_add(person=drop, author=coordinator, text="Prefers phone")
    PersonLink.mint(person=drop)
    FeedbackResponse.objects.create(session=past, person=drop, voice_heard=4, submitted_on=timezone.localdate())
    upcoming = signup(make_session(title="Next month"), name="Ama O", email="ama.o@work.example").booking

    done = person_merge(keep=keep, drop=drop, actor=coordinator)

    assert not Person.objects.filter(pk=drop.pk).exists()
    assert Booking.objects.filter(person=keep).count() == 2
    assert Booking.objects.get(pk=upcoming.pk).person_id == keep.pk
    assert ConsentRecord.objects.filter(person=keep).count() == 1
    assert PersonNote.objects.filter(person=keep).count() == 1
    assert PersonLink.objects.filter(person=keep).count() == 1
    assert FeedbackResponse.objects.filter(person=keep).count() == 1
    assert Output.objects.get(session=past).credit == "Ama Owusu"
    keep.refresh_from_db()
    assert (keep.email, keep.phone, keep.perspectives) == ("ama@example.org", "0123", ["carer", "researcher"])
    assert done["bookings"] and done["people"]
    entry = AuditEntry.objects.get(verb="person.merged")
    assert entry.target_id == str(keep.pk) and entry.data["merged_record"] == drop.pk


def test_both_booked_on_one_session_keeps_the_booking_that_says_most_and_frees_a_place():
    coordinator = make_coordinator()
    session = make_session(capacity=2, title="Full day")
    keep_booking = signup(session, name="Ama", email="ama@example.org").booking
    drop_booking = signup(session, name="Ama", email="ama2@example.org").booking
    waiting = signup(session, name="Bo", email="bo@example.org").booking
    assert waiting.status == Booking.Status.WAITLISTED
    done = person_merge(keep=keep_booking.person, drop=drop_booking.person, actor=coordinator)
    assert Booking.objects.filter(session=session, person=keep_booking.person).count() == 1
    assert not Booking.objects.filter(pk=drop_booking.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert any("Both were booked on “Full day”" in line for line in done["bookings"])


def test_the_preview_says_what_would_happen_and_changes_nothing():
    keep = Person.objects.create(email="a@example.org", name="Ama")
    drop = Person.objects.create(email="b@example.org", name="Ama B")
    Booking.objects.create(session=make_session(), person=drop, status=Booking.Status.CONFIRMED)
    preview = merging.preview_merge(keep_id=keep.pk, drop_id=drop.pk)
    assert preview["bookings"] == ["1 booking moves, with their access needs and links"]
    assert Person.objects.filter(pk=drop.pk).exists()
    assert Booking.objects.get().person_id == drop.pk


def test_a_record_cannot_be_merged_with_itself():
    person = Person.objects.create(email="a@example.org", name="Ama")
    with pytest.raises(merging.MergeError):
        merging.merge_everywhere(keep_id=person.pk, drop_id=person.pk)


def test_the_people_merger_refuses_when_something_still_points_at_the_other_record(monkeypatch):
    keep = Person.objects.create(email="a@example.org", name="Ama")
    drop = Person.objects.create(email="b@example.org", name="Ama B")
    Booking.objects.create(session=make_session(), person=drop, status=Booking.Status.CONFIRMED)
    (people,) = [m for m in merging.mergers() if m.name == "people"]
    monkeypatch.setattr(merging, "_mergers", {"people": people})
    monkeypatch.setattr(merging, "autodiscover_modules", lambda name: None)
    with pytest.raises(merging.MergeError):
        merging.merge_everywhere(keep_id=keep.pk, drop_id=drop.pk)
    assert Person.objects.filter(pk=drop.pk).exists() and Booking.objects.get().person_id == drop.pk
    assert apps.get_model("people", "Person").objects.count() == 2
