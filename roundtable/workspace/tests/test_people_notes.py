"""The team's notes about a person: coordinators only, added and deleted with a confirmation,
every look audited (never the words), forgotten with the person and part of their data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.accounts.testing import make_facilitator
from roundtable.core.models import AuditEntry
from roundtable.core.personaldata import export_everywhere
from roundtable.people.models import Person, PersonNote
from roundtable.people.services import note_add, person_forget

pytestmark = pytest.mark.django_db


@pytest.fixture
def ama():
    return Person.objects.create(email="ama@example.org", name="Ama Owusu")


def person_url(person) -> str:
    return reverse("directory:person", args=[person.pk])


def add_url(person) -> str:
    return reverse("directory:note_add", args=[person.pk])


def test_a_coordinator_adds_a_note_and_the_log_says_so_without_the_words(coordinator_client, coordinator, ama):
    response = coordinator_client.post(add_url(ama), {"text": "  Prefers a phone call to email.\nAsk about parking. "})
    assert response.status_code == 302
    assert response["Location"] == person_url(ama) + "#notes"
    note = PersonNote.objects.get(person=ama)
    assert (note.text, note.author) == ("Prefers a phone call to email.\nAsk about parking.", coordinator)
    entry = AuditEntry.objects.get(verb="person_note.added")
    assert (entry.target_id, entry.data) == (str(ama.pk), {})
    html = coordinator_client.get(person_url(ama)).content.decode()
    assert "Prefers a phone call to email.<br>Ask about parking." in html and "Sam Coordinator" in html


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Write the note"), ("x" * 2001, "Write the note in 2,000 characters or fewer")],
)
def test_an_empty_or_too_long_note_is_a_400_with_the_message_by_the_field(coordinator_client, ama, text, message):
    response = coordinator_client.post(add_url(ama), {"text": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="text-error"' in html or 'id="id_text-error"' in html
    assert message in html and "There is a problem" in html
    assert not PersonNote.objects.exists()


def test_every_look_at_notes_is_audited_and_a_page_without_notes_is_not(coordinator_client, coordinator, ama):
    coordinator_client.get(person_url(ama))
    assert not AuditEntry.objects.filter(verb="person_notes.viewed").exists()
    note_add(person=ama, author=coordinator, text="Met at the library")
    note_add(person=ama, author=coordinator, text="Bringing a friend")
    coordinator_client.get(person_url(ama))
    coordinator_client.get(person_url(ama))
    entries = AuditEntry.objects.filter(verb="person_notes.viewed")
    assert entries.count() == 2
    assert {e.data["count"] for e in entries} == {2}
    assert all("library" not in str(e.data) for e in entries)


def test_deleting_a_note_asks_first_then_deletes_it_and_logs_both(coordinator_client, coordinator, ama):
    note = note_add(person=ama, author=coordinator, text="Wrong person, sorry")
    url = reverse("directory:note_delete", args=[ama.pk, note.pk])
    page = coordinator_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Delete the note of" in html and "Wrong person, sorry" in html
    assert PersonNote.objects.filter(pk=note.pk).exists()
    assert AuditEntry.objects.filter(verb="person_notes.viewed").count() == 1
    response = coordinator_client.post(url)
    assert response["Location"] == person_url(ama) + "#notes"
    assert not PersonNote.objects.filter(pk=note.pk).exists()
    assert AuditEntry.objects.filter(verb="person_note.deleted", target_id=str(ama.pk)).count() == 1


def test_a_note_cannot_be_deleted_through_another_persons_address(coordinator_client, coordinator, ama):
    other = Person.objects.create(email="bo@example.org", name="Bo")
    note = note_add(person=ama, author=coordinator, text="Keep me")
    url = reverse("directory:note_delete", args=[other.pk, note.pk])
    assert coordinator_client.get(url).status_code == 404
    assert coordinator_client.post(url).status_code == 404
    assert PersonNote.objects.filter(pk=note.pk).exists()


def test_notes_go_when_the_person_is_forgotten_and_other_notes_lose_their_name(coordinator, ama):
    note_add(person=ama, author=coordinator, text="Uses a wheelchair some days")
    bo = Person.objects.create(email="bo@example.org", name="Bo Baker")
    other = note_add(person=bo, author=coordinator, text="Came with Ama Owusu (ama@example.org)")
    person_forget(person=ama, actor=coordinator)
    assert not PersonNote.objects.filter(person=ama).exists()
    other.refresh_from_db()
    assert other.text == "Came with [removed] ([removed])"


def test_notes_are_part_of_the_persons_data_download(coordinator, ama):
    note_add(person=ama, author=coordinator, text="Likes morning sessions")
    data = export_everywhere(person_id=ama.pk, email=ama.email, name=ama.name)
    assert [n["text"] for n in data["people"]["notes_by_the_team"]] == ["Likes morning sessions"]


def test_facilitators_can_neither_read_nor_write_notes(client, ama):
    client.force_login(make_facilitator())
    assert client.post(add_url(ama), {"text": "Hello"}).status_code == 403
    assert not PersonNote.objects.exists()
