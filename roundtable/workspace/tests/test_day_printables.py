import io
import unicodedata
from datetime import time

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ByteStringObject, ContentStream, TextStringObject

from roundtable.accounts.testing import make_facilitator
from roundtable.bookings.models import Booking
from roundtable.bookings.printables import agenda_rows, split_interests
from roundtable.bookings.services import booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import AgendaItem
from roundtable.cocreation.testing import add_agenda, make_session
from roundtable.core.pdf import render_pdf
from roundtable.core.testing import fonts_of_each_character

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


def test_a_long_interest_is_shortened_at_a_word_with_an_ellipsis_never_mid_word():
    assert split_interests("Accessible gardening for wheelchair users and families") == [
        "Accessible gardening for wheelchair…"
    ]
    assert split_interests("Supercalifragilisticexpialidocious-and-then-some-more") == [
        "Supercalifragilisticexpialidocious-and…"
    ]  # a word longer than a badge line can only be cut, and the ellipsis says so
    assert split_interests("Participatory research with young carers") == ["Participatory research with young carers"]


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


def glyph_ids(content: bytes) -> list[int]:
    """Every glyph drawn: WeasyPrint writes text as two-byte glyph ids, and id 0 is .notdef, the
    empty box a font draws for a character it lacks."""
    ids = []
    reader = PdfReader(io.BytesIO(content))
    for page in reader.pages:
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            strings = operands[0] if operator == b"TJ" else operands if operator == b"Tj" else []
            for item in strings:
                if isinstance(item, (ByteStringObject, TextStringObject)):
                    raw = item.original_bytes
                    ids += [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
    return ids


@pytest.mark.parametrize("size", ["standard", "large"])
def test_badges_print_names_in_any_script_and_emoji_from_noto_fonts_not_empty_boxes(coordinator_client, size):
    session = make_session(title="Building the Centre together")
    signup(session, n=1, name="李小龙", interests="Calligraphy")
    signup(session, n=2, name="ليلى أحمد 🌻", interests="Poetry 📚")
    signup(session, n=3, name="प्रिया शर्मा", interests="Dance")
    content = coordinator_client.get(reverse("day:badges_pdf", args=[session.pk]), {"size": size}).content

    text = pdf_text(content)
    assert "李小龙" in text and "प्रिया" in text and "🌻" in text and "📚" in text
    # Arabic comes out of the PDF in presentation forms; folding them back gives the letters typed.
    assert "ليلى أحمد" in unicodedata.normalize("NFKC", text)
    fonts = fonts_of_each_character(content)
    assert fonts["李"] <= {"Noto-Sans-CJK-SC-Bold"}, fonts["李"]
    assert all(font.startswith("Noto-Sans-Devanagari") for font in fonts["प"]), fonts["प"]
    assert all(font.startswith("Noto-Color-Emoji") for font in fonts["🌻"] | fonts["📚"])
    arabic = {font for character, used in fonts.items() if "ARABIC" in unicodedata.name(character, "") for font in used}
    assert arabic and all(font.startswith("Noto-Sans-Arabic") for font in arabic), arabic
    ids = glyph_ids(content)
    assert ids and 0 not in ids


def test_each_badge_has_the_session_name_and_cut_lines(coordinator_client):
    session = make_session(title="Building the Centre together")
    for n in range(3):
        signup(session, n=900 + n, name=f"Person {n:02d}")
    content = coordinator_client.get(reverse("day:badges_pdf", args=[session.pk])).content
    assert pdf_text(content).count("Building the Centre together") == 3
    reader = PdfReader(io.BytesIO(content))
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    dashes = [operands for operands, operator in operations if operator == b"d" and len(operands[0])]
    assert dashes, "no dashed cut lines around the badges"


def test_a_long_interest_wraps_between_words_on_the_badge(coordinator_client):
    session = make_session(title="Building the Centre together")
    signup(
        session,
        name="Zainab Ali",
        interests="Accessible gardening for wheelchair users and families, community radio; oral history",
    )
    text = pdf_text(coordinator_client.get(reverse("day:badges_pdf", args=[session.pk])).content)
    assert "Accessible gardening for wheelchair… · community radio · oral history" in text
    assert "wheelchair user" not in text


def test_the_sign_in_sheet_prints_names_in_any_script_and_dates_in_plain_digits(client):
    session = make_session(title="Building the Centre together")
    signup(session, n=1, name="李小龙")
    signup(session, n=2, name="ليلى أحمد 🌻")
    client.force_login(make_facilitator())
    content = client.get(reverse("day:sign_in_sheet_pdf", args=[session.pk])).content
    fonts = fonts_of_each_character(content)
    assert fonts["李"] <= {"Noto-Sans-CJK-SC"}, fonts["李"]
    assert all(font.startswith("Noto-Color-Emoji") for font in fonts["🌻"])
    # The emoji font has digits too (for keycaps): a date must not borrow them.
    assert all(fonts[digit] <= {"Noto-Sans", "Noto-Sans-Bold"} for digit in "0123456789" if digit in fonts), fonts
