"""Merging two records from the person's page: find the other record, choose the one to keep, see
what will move (nothing changes yet), confirm."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    this = Person.objects.create(email="ama@example.org", name="Ama Owusu")
    other = Person.objects.create(email="ama.o@work.example", name="Ama O")
    Booking.objects.create(session=make_session(title="Next month"), person=other, status=Booking.Status.CONFIRMED)
    return this, other


def merge_url(person) -> str:
    return reverse("directory:merge", args=[person.pk])


def test_the_preview_says_what_will_move_and_changes_nothing(coordinator_client, pair):
    this, other = pair
    response = coordinator_client.get(merge_url(this), {"other": "AMA.O@work.example", "keep": "this"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Merge ama.o@work.example into ama@example.org?" in html
    assert "1 booking moves" in html and "The record for ama.o@work.example is deleted" in html
    assert Person.objects.filter(pk=other.pk).exists()
    assert not AuditEntry.objects.filter(verb="person.merged").exists()


def test_confirming_merges_into_the_chosen_record_and_is_audited(coordinator_client, pair):
    this, other = pair
    response = coordinator_client.post(merge_url(this), {"other": other.email, "keep": "other"})
    assert response["Location"] == reverse("directory:person", args=[other.pk])
    assert not Person.objects.filter(pk=this.pk).exists()
    assert Booking.objects.get().person_id == other.pk
    assert AuditEntry.objects.filter(verb="person.merged", target_id=str(other.pk)).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"other": "nobody@example.org", "keep": "this"}, "There is no one with that email address in People"),
        ({"other": "ama@example.org", "keep": "this"}, "this is the record you are on"),
        ({"other": "not an address", "keep": "this"}, "Enter an email address, like name@example.org"),
        ({"other": "ama.o@work.example", "keep": "both"}, "Choose the record to keep"),
    ],
)
def test_bad_answers_are_a_400_with_the_message_and_nothing_merges(coordinator_client, pair, data, message):
    this, _ = pair
    for response in (coordinator_client.get(merge_url(this), data), coordinator_client.post(merge_url(this), data)):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert Person.objects.count() == 2


def test_the_first_step_asks_for_the_other_record(coordinator_client, pair):
    this, _ = pair
    html = coordinator_client.get(merge_url(this)).content.decode()
    assert "Email address of the other record" in html and "Which record do you want to keep?" in html
    assert merge_url(this) in coordinator_client.get(reverse("directory:person", args=[this.pk])).content.decode()
