"""The letter of involvement: a PDF listing the sessions a person came to and the work credited to
them, downloaded by a coordinator from the person's page, audited."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_programme, make_session
from roundtable.core.models import AuditEntry
from roundtable.people.models import Person
from roundtable.records.models import Output

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def ama():
    person = Person.objects.create(email="ama@example.org", name="Ama Owusu", pronouns="she/her")
    programme = make_programme(name="Building the Centre together")
    spring = make_session(days_ahead=-200, title="Spring planning", programme=programme)
    autumn = make_session(days_ahead=-30, title="Autumn review")
    missed = make_session(days_ahead=-60, title="The one she missed")
    Booking.objects.create(session=spring, person=person, status=Booking.Status.ATTENDED)
    Booking.objects.create(session=autumn, person=person, status=Booking.Status.ATTENDED)
    Booking.objects.create(session=missed, person=person, status=Booking.Status.NO_SHOW)
    Output.objects.create(session=spring, kind="text", caption="A map of the garden", body="Paths",
                          credit="Ama Owusu", consent="everyone_agreed")  # fmt: skip
    Output.objects.create(session=missed, kind="text", caption="Not hers", body="Words", credit="Ama Owusu",
                          consent="everyone_agreed")  # fmt: skip
    return person


def test_the_letter_lists_the_sessions_they_came_to_and_their_credited_work(coordinator_client, ama):
    url = reverse("directory:recognition_letter", args=[ama.pk])
    assert url in coordinator_client.get(reverse("directory:person", args=[ama.pk])).content.decode()
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="letter-of-involvement-ama-owusu.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = " ".join(pdf_text(response.content).split())
    assert "Letter of involvement: Ama Owusu" in text
    assert "has taken part in 2 co-creation sessions" in text
    assert "Spring planning" in text and "Autumn review" in text and "Building the Centre together" in text
    assert "A map of the garden" in text
    assert "missed" not in text and "Not hers" not in text
    entry = AuditEntry.objects.get(verb="person.recognition_letter")
    assert (entry.target_id, entry.data) == (str(ama.pk), {"count": 2})


def test_someone_who_has_not_come_yet_gets_no_letter_and_the_page_says_why(coordinator_client):
    person = Person.objects.create(email="new@example.org", name="New Person")
    Booking.objects.create(session=make_session(), person=person, status=Booking.Status.CONFIRMED)
    page = coordinator_client.get(reverse("directory:person", args=[person.pk])).content.decode()
    url = reverse("directory:recognition_letter", args=[person.pk])
    assert url not in page
    response = coordinator_client.get(url, follow=True)
    assert "has not come to a session yet" in response.content.decode()
    assert not AuditEntry.objects.filter(verb="person.recognition_letter").exists()
