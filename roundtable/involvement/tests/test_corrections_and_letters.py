"""What a person asks for from their own page, and what the team does with it: their letter of
involvement, "ask us to correct something" (a correction request on the team's list, due in one
month), the team's readable copy for a request, and the requests list's fixed cost (issue 13)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from roundtable.bookings.models import Booking
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.involvement import datafile
from roundtable.involvement.models import DataFile, DataRequest, PersonLink, one_month_after
from roundtable.people.models import Person
from roundtable.records.models import Output

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def _person(email="ada@example.org", name="Ada Example") -> Person:
    return signup(make_session(), name=name, email=email).booking.person


def _token(person: Person) -> str:
    return PersonLink.mint(person=person)


# --- The letter of involvement ------------------------------------------------------------------------


def test_the_person_downloads_the_same_letter_the_team_does_and_it_is_audited(client, coordinator_client):
    person = _person()
    came = make_session(days_ahead=-20, title="Spring planning")
    Booking.objects.create(session=came, person=person, status=Booking.Status.ATTENDED)
    Output.objects.create(session=came, kind="text", caption="A map of the garden", body="Paths",
                          credit="Ada Example", consent="everyone_agreed")  # fmt: skip
    token = _token(person)
    url = reverse("involvement:letter", args=[token])
    assert url in client.get(reverse("involvement:home", args=[token])).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="letter-of-involvement-ada-example.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Letter of involvement: Ada Example" in text
    assert "Spring planning" in text and "A map of the garden" in text
    entry = AuditEntry.objects.get(verb="person.recognition_letter")
    assert (entry.actor_id, entry.target_id, entry.data) == (None, str(person.pk), {"count": 1})
    assert "participant" in entry.actor_label
    # The coordinators' copy is the same letter.
    team = coordinator_client.get(reverse("directory:recognition_letter", args=[person.pk]))
    assert pdf_text(team.content) == text


def test_someone_who_has_not_come_yet_is_not_offered_a_letter(client):
    person = _person()
    token = _token(person)
    url = reverse("involvement:letter", args=[token])
    assert url not in client.get(reverse("involvement:home", args=[token])).content.decode()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("involvement:home", args=[token])
    assert not AuditEntry.objects.filter(verb="person.recognition_letter").exists()


# --- Ask us to correct something ----------------------------------------------------------------------


def test_a_correction_request_is_recorded_confirmed_and_on_the_teams_list(client, coordinator_client):
    person = _person()
    token = _token(person)
    home = client.get(reverse("involvement:home", args=[token])).content.decode()
    url = reverse("involvement:correction", args=[token])
    assert url in home and "Ask us to correct something" in client.get(url).content.decode()
    response = client.post(url, {"wrong": "My surname is spelt Exampel", "should_say": "Example"})
    data_request = DataRequest.objects.get()
    assert response["Location"] == reverse("involvement:correction_sent", args=[token, data_request.pk])
    today = timezone.localdate()
    assert (data_request.person, data_request.email, data_request.kind) == (person, person.email, "correction")
    assert (data_request.received_on, data_request.due_on) == (today, one_month_after(today))
    assert data_request.from_person and data_request.completed_on is None
    assert "My surname is spelt Exampel" in data_request.notes and "Example" in data_request.notes
    page = client.get(response["Location"]).content.decode()
    assert "We have your request" in page and f"We will reply by {data_request.due_on:%-d %B %Y}" in page
    entry = AuditEntry.objects.get(verb="data_request.recorded")
    assert entry.data == {"kind": "correction", "due_on": data_request.due_on.isoformat()}
    assert "Exampel" not in str(entry.data)
    listed = coordinator_client.get(reverse("involvement:request_list")).content.decode()
    assert "Ada Example" in listed and "Correct their data" in listed
    detail = coordinator_client.get(reverse("involvement:request_detail", args=[data_request.pk])).content.decode()
    assert "What they wrote" in detail and "My surname is spelt Exampel" in detail
    assert "sent from their involvement page" in detail
    viewed = AuditEntry.objects.get(verb="data_request.viewed")
    assert viewed.target_id == str(data_request.pk) and viewed.actor is not None
    assert "What you did (optional)" in detail and "(optional) (optional)" not in detail


def test_a_correction_request_counts_on_the_dashboard_when_it_is_due(client, coordinator_client):
    person = _person()
    client.post(reverse("involvement:correction", args=[_token(person)]), {"wrong": "Name", "should_say": "Other"})
    DataRequest.objects.update(received_on=timezone.localdate() - timedelta(days=27))
    DataRequest.objects.get().save()  # works the deadline out again from the new arrival date
    home = coordinator_client.get("/coordinator/").content.decode()
    assert "1 is due within 7 days." in home


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"wrong": "", "should_say": "Example"}, "wrong", "Tell us what is wrong"),
        ({"wrong": "   ", "should_say": "Example"}, "wrong", "Tell us what is wrong"),
        ({"wrong": "Name", "should_say": ""}, "should_say", "Tell us what it should say"),
        ({"wrong": "x" * 2001, "should_say": "y"}, "wrong", "in 2,000 characters or fewer"),
    ],
)
def test_mistakes_are_explained_by_the_field_and_nothing_is_recorded(client, data, field, message):
    token = _token(_person())
    response = client.post(reverse("involvement:correction", args=[token]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and message in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert not DataRequest.objects.exists()


def test_one_persons_confirmation_is_not_anothers(client):
    ada, bea = _person(), _person(email="bea@example.org", name="Bea")
    client.post(reverse("involvement:correction", args=[_token(ada)]), {"wrong": "a", "should_say": "b"})
    data_request = DataRequest.objects.get()
    assert client.get(reverse("involvement:correction_sent", args=[_token(bea), data_request.pk])).status_code == 404


def test_the_team_marks_a_correction_done_with_a_note(client, coordinator_client):
    person = _person()
    client.post(reverse("involvement:correction", args=[_token(person)]), {"wrong": "a", "should_say": "b"})
    data_request = DataRequest.objects.get()
    today = timezone.localdate()
    url = reverse("involvement:request_done", args=[data_request.pk])
    too_long = coordinator_client.post(
        url, {"completed_on_day": today.day, "completed_on_month": today.month, "completed_on_year": today.year,
              "note": "x" * 5001})  # fmt: skip
    assert too_long.status_code == 400 and "5,000 characters or fewer" in too_long.content.decode()
    data_request.refresh_from_db()
    assert data_request.completed_on is None
    coordinator_client.post(
        url, {"completed_on_day": today.day, "completed_on_month": today.month, "completed_on_year": today.year,
              "note": "Corrected the spelling of their surname"})  # fmt: skip
    data_request.refresh_from_db()
    assert (data_request.completed_on, data_request.done_note) == (today, "Corrected the spelling of their surname")
    detail = coordinator_client.get(reverse("involvement:request_detail", args=[data_request.pk])).content.decode()
    assert "Corrected the spelling of their surname" in detail
    assert "Corrected" not in str(AuditEntry.objects.get(verb="data_request.done").data)


def test_forgetting_them_removes_what_they_wrote_in_a_correction(client):
    from roundtable.people.services import person_forget

    person = _person()
    client.post(reverse("involvement:correction", args=[_token(person)]), {"wrong": "My phone", "should_say": "0123"})
    person_forget(person=person, actor="test")
    data_request = DataRequest.objects.get()
    assert (data_request.person, data_request.email, data_request.notes) == (None, "", "")


# --- The team's readable copy for a request ------------------------------------------------------------


def test_the_team_prepares_and_downloads_the_readable_copy_audited(coordinator_client, coordinator, client):
    person = _person()
    data_request = DataRequest.objects.create(
        person=person, email=person.email, kind="access", received_on=timezone.localdate()
    )
    detail_url = reverse("involvement:request_detail", args=[data_request.pk])
    file_url = reverse("involvement:request_readable_file", args=[data_request.pk])
    assert "Prepare the readable copy" in coordinator_client.get(detail_url).content.decode()
    assert coordinator_client.get(file_url).status_code == 404  # nothing prepared yet
    response = coordinator_client.post(reverse("involvement:request_readable", args=[data_request.pk]))
    assert response.status_code == 302
    data_file = DataFile.objects.get(person=person)
    assert data_file.state == DataFile.State.PENDING
    assert "being prepared" in coordinator_client.get(detail_url).content.decode()
    assert datafile.make(data_file.pk) == "ready"  # the worker's half
    page = coordinator_client.get(detail_url).content.decode()
    assert file_url in page
    download = coordinator_client.get(file_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="data-request-{data_request.pk}.pdf"'
    assert "no-store" in download["Cache-Control"]
    content = b"".join(download.streaming_content)
    assert "Ada Example" in pdf_text(content)
    entry = AuditEntry.objects.filter(verb="person.data_downloaded").get()
    assert (entry.actor, entry.target_id, entry.data) == (coordinator, str(person.pk), {"format": "pdf"})
    # The same file the person gets from their own page.
    own = client.get(reverse("involvement:download_readable_file", args=[_token(person)]))
    assert b"".join(own.streaming_content) == content


def test_a_request_from_nobody_who_took_part_has_no_readable_copy(coordinator_client):
    data_request = DataRequest.objects.create(email="x@example.org", kind="access", received_on=timezone.localdate())
    assert coordinator_client.post(reverse("involvement:request_readable", args=[data_request.pk])).status_code == 404
    assert not DataFile.objects.exists()


def test_a_file_that_is_not_ready_is_not_served(coordinator_client):
    person = _person()
    data_request = DataRequest.objects.create(
        person=person, email=person.email, kind="access", received_on=timezone.localdate()
    )
    pending = DataFile.objects.create(person=person)
    pending.file.save("x.pdf", ContentFile(b"%PDF-"), save=True)
    assert (
        coordinator_client.get(reverse("involvement:request_readable_file", args=[data_request.pk])).status_code == 404
    )


# --- The requests list costs the same however many there are ----------------------------------------


@pytest.mark.parametrize("count", [2, 20])
def test_the_requests_list_costs_the_same_with_2_or_20_requests(coordinator_client, django_assert_num_queries, count):
    today = timezone.localdate()
    for n in range(count):
        person = Person.objects.create(email=f"p{n}@example.org", name=f"Person {n}")
        DataRequest.objects.create(
            person=person if n % 3 else None,
            email=person.email,
            kind=["access", "correction", "erasure"][n % 3],
            received_on=today - timedelta(days=n),
            completed_on=today if n % 2 else None,
        )
    coordinator_client.get(reverse("involvement:request_list"))  # sessions and the like, once
    # The signed-in user and their session, the open requests and the done ones (each with its person).
    with django_assert_num_queries(4):
        response = coordinator_client.get(reverse("involvement:request_list"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/coordinator/requests/') - 1 == count
