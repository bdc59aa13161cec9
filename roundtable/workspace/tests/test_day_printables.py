import io
from datetime import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.models import Booking
from roundtable.bookings.printables import agenda_rows, split_interests
from roundtable.bookings.services import booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import AgendaItem
from roundtable.cocreation.testing import add_agenda, make_session
from roundtable.core.pdf import render_pdf

pytestmark = pytest.mark.django_db


def pdf_pages(content: bytes) -> list[str]:
    """Open the PDF as a reader would and return each page's text (fails if it is not a PDF)."""
    assert content.startswith(b"%PDF-")
    # Whitespace is normalised: a long name may wrap onto two lines of a badge.
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    return "\n".join(pdf_pages(content))


@pytest.fixture
def session():
    session = make_session(title="Building the Centre together")
    signup(session, name="Zainab Ali", pronouns="she/her", interests="Gardening, community radio; research, music")
    signup(session, name="Ben Okafor", interests="Walking")
    signup(session, name="<i>Ivy</i> & Co")
    gone = signup(session, name="Carl Cancelled").booking
    booking_cancel(booking_id=gone.pk)
    return session


def test_interests_are_split_and_at_most_three_are_kept():
    assert split_interests("Gardening, community radio; research, music") == [
        "Gardening",
        "community radio",
        "research",
    ]
    assert split_interests("  ") == []
    assert split_interests("art\nfilm") == ["art", "film"]


def test_badges_show_chosen_name_pronouns_and_three_interests_and_nothing_else(coordinator_client, session):
    response = coordinator_client.get(reverse("day:badges_pdf", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    pages = pdf_pages(response.content)
    text = "\n".join(pages)
    assert len(pages) == 1
    assert "Zainab Ali" in text and "she/her" in text and "Ben Okafor" in text
    assert "Gardening · community radio · research" in text and "music" not in text
    assert "<i>Ivy</i> & Co" in text  # typed markup prints as the characters typed
    assert "Carl Cancelled" not in text
    assert "@example.org" not in text  # no email, and nothing else about a person exists to print


def test_eight_badges_fit_on_a_sheet_and_large_print_puts_four(coordinator_client):
    session = make_session()
    for n in range(9):
        signup(session, n=900 + n, name=f"Person {n:02d}")
    standard = pdf_pages(
        coordinator_client.get(reverse("day:badges_pdf", args=[session.pk]), {"size": "standard"}).content
    )
    large = pdf_pages(coordinator_client.get(reverse("day:badges_pdf", args=[session.pk]), {"size": "large"}).content)
    assert len(standard) == 2 and "Person 07" in standard[0] and "Person 08" in standard[1]
    assert len(large) == 3 and "Person 03" in large[0] and "Person 04" in large[1]


def test_an_unknown_badge_size_gets_a_clear_error_not_a_pdf(coordinator_client, session):
    response = coordinator_client.get(reverse("day:badges_pdf", args=[session.pk]), {"size": "poster"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in html and "Choose standard or large print badges" in html
    assert 'href="#id_size_0"' in html


def test_sign_in_sheet_lists_everyone_with_a_place_and_a_signature_column(client, session):
    client.force_login(make_facilitator())
    response = client.get(reverse("day:sign_in_sheet_pdf", args=[session.pk]))
    text = pdf_text(response.content)
    assert "Signature" in text and "Pronouns" in text
    assert text.index("Ben Okafor") < text.index("Zainab Ali")
    assert "Carl Cancelled" not in text


def test_agenda_handout_has_timings_and_marks_the_break(client, session):
    add_agenda(session)
    client.force_login(make_facilitator())
    text = pdf_text(client.get(reverse("day:agenda_pdf", args=[session.pk])).content)
    assert "13:30 to 14:15" in text and "Welcome and the story so far" in text
    assert "Break: a brew and a snack" in text and "Break: Break" not in text
    assert "15:20 to 16:30" in text  # the last item runs to the end of the session


def test_agenda_rows_end_where_the_next_item_starts():
    session = make_session()
    AgendaItem.objects.create(session=session, starts_at=time(13, 30), title="Welcome")
    AgendaItem.objects.create(session=session, starts_at=time(14, 0), title="Break", is_break=True)
    rows = agenda_rows(session)
    assert [(r.starts.strftime("%H:%M"), r.ends.strftime("%H:%M"), r.minutes) for r in rows] == [
        ("13:30", "14:00", 30),
        ("14:00", "16:30", 150),
    ]


def test_agenda_page_shows_timings_breaks_and_durations(client, session):
    add_agenda(session)
    client.force_login(make_facilitator())
    html = client.get(reverse("day:agenda", args=[session.pk])).content.decode()
    assert "13:30" in html and "45 minutes" in html and "Break</strong>" in html


def test_walk_ins_get_a_badge_too(coordinator_client, session):
    signup(session, name="Wendy Walkin")
    Booking.objects.filter(person__name="Wendy Walkin").update(status=Booking.Status.ATTENDED)
    assert "Wendy Walkin" in pdf_text(coordinator_client.get(reverse("day:badges_pdf", args=[session.pk])).content)


def test_a_pdf_never_fetches_anything_from_a_url_in_its_template(settings, tmp_path):
    # Only data: URIs may load, so neither a web address nor a local file can be pulled in.
    secret = tmp_path / "secret.txt"
    secret.write_text("do not include")
    template_dir = tmp_path / "templates"
    template_dir.mkdir()
    (template_dir / "probe.html").write_text(
        f'<html lang="en"><body><p>Probe</p><img src="file://{secret}" alt="x">'
        '<img src="http://127.0.0.1:9/nothing.png" alt="y"></body></html>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [template_dir]}]
    assert "Probe" in pdf_text(render_pdf("probe.html"))
