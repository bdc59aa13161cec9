"""The bookings page's counts and row actions, a booking taken by phone, messages to the people on a
session, and the bookings download."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from roundtable.bookings.models import AccessNeeds, Booking
from roundtable.bookings.services import AccessNeedsAnswer, booking_mark_attendance
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import ReservedPlaces
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.people.models import ConsentRecord, Person
from roundtable.workspace.tests.test_coordinator_bookings import _bulk_bookings, bookings_url, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_session():
    """Two places, both taken (Ada, Ben); two waiting (Cara, Dev)."""
    session = make_session(title="Full session", capacity=2)
    for n, name in enumerate(["Ada", "Ben", "Cara", "Dev"]):
        signup(session, n, name=name, email=f"{name.lower()}@example.org")
    return session


def booking(name: str) -> Booking:
    return Booking.objects.select_related("person").get(person__name=name)


# --- Counts at a glance -------------------------------------------------------------------------


def test_bookings_page_counts_the_mix_of_perspectives_and_newcomers(coordinator_client):
    earlier = make_session(title="Last month", starts_at=timezone.now() - timedelta(days=30))
    session = make_session(capacity=10)
    regular = Person.objects.create(email="regular@example.org", name="Regular", perspectives=["carer"])
    Booking.objects.create(session=earlier, person=regular, status="attended")
    signup(session, 1, name="Regular", email="regular@example.org")  # came before: returning
    signup(session, 2, name="New one", perspectives=["lived_experience", "carer"])
    signup(session, 3, name="Quiet")
    html = coordinator_client.get(bookings_url(session)).content.decode()
    assert "Coming for the first time: 2" in html
    assert "Have come to a session before: 1" in html
    assert "Carer: 2" in html and "Lived experience (as a patient or service user): 1" in html
    assert "Did not say: 1" in html


def test_coming_to_a_later_session_does_not_make_someone_returning(coordinator_client):
    session = make_session(capacity=5, days_ahead=7)
    later = make_session(capacity=5, days_ahead=60)
    person = signup(session, 1, name="Ada").booking.person
    Booking.objects.create(session=later, person=person, status="attended")
    html = coordinator_client.get(bookings_url(session)).content.decode()
    assert "Coming for the first time: 1" in html and "Have come to a session before: 0" in html


def test_bookings_page_shows_how_many_held_places_are_taken(coordinator_client):
    session = make_session(capacity=10)
    ReservedPlaces.objects.create(session=session, places=4, perspectives=["student"],
                                  release_at=session.starts_at - timedelta(days=2))  # fmt: skip
    signup(session, 1, perspectives=["student"])
    html = coordinator_client.get(bookings_url(session)).content.decode()
    assert "4 places for students: 1 taken, held until" in html


def test_bookings_page_costs_the_same_queries_with_10_or_1000_bookings(coordinator_client, django_assert_num_queries):
    small, large = make_session(capacity=5), make_session(capacity=30)
    for session in (small, large):
        ReservedPlaces.objects.create(session=session, places=2, for_newcomers=True,
                                      release_at=session.starts_at - timedelta(days=1))  # fmt: skip
    _bulk_bookings(small, 10)
    _bulk_bookings(large, 1000)
    Person.objects.filter(email__startswith=f"bulk{large.pk}-").update(perspectives=["carer"])
    # Everyone starts at the places, waiting and cancelled lists; some have come and some did not.
    Booking.objects.filter(session=large, person__email__endswith="1@example.org", status="confirmed").update(
        status="attended")  # fmt: skip
    coordinator_client.get(bookings_url(small))
    with django_assert_num_queries(6):
        small_page = coordinator_client.get(bookings_url(small))
    with django_assert_num_queries(6):
        large_page = coordinator_client.get(bookings_url(large))
    assert small_page.status_code == large_page.status_code == 200
    html = large_page.content.decode()
    assert '<span class="rt-counts__number">30</span> of 30 places taken' in html
    assert "Carer: 30" in html


# --- Row actions --------------------------------------------------------------------------------


def test_moving_someone_to_the_waiting_list_gives_their_place_to_the_first_waiting(coordinator_client, full_session,
                                                                                   coordinator):  # fmt: skip
    ada = booking("Ada")
    here = bookings_url(full_session) + "?q=example"
    response = coordinator_client.post(reverse("coordinator:booking_move", args=[ada.pk]), {"next": here}, follow=True)
    assert response.redirect_chain[-1][0] == here  # back to the list they were looking at
    html = response.content.decode()
    assert "Ada is now at the end of the waiting list (number 2)." in html
    assert "Cara moved up from the waiting list, now has a place and has been emailed." in html
    assert booking("Ada").status == "waitlisted" and booking("Cara").status == "confirmed"
    assert AuditEntry.objects.filter(verb="booking.moved_to_waiting_list", actor=coordinator).exists()


def test_giving_a_place_by_hand_when_the_session_is_full_says_why_not(coordinator_client, full_session):
    cara = booking("Cara")
    response = coordinator_client.post(reverse("coordinator:booking_promote", args=[cara.pk]), follow=True)
    html = response.content.decode()
    assert "Cara is still on the waiting list. There is no free place." in html
    assert booking("Cara").status == "waitlisted"
    assert not OutboundEmail.objects.filter(template="booking_promoted").exists()


def test_giving_a_place_by_hand_skips_the_queue_and_emails_them(coordinator_client, full_session):
    full_session.capacity = 3
    full_session.save()
    dev = booking("Dev")
    response = coordinator_client.post(reverse("coordinator:booking_promote", args=[dev.pk]), follow=True)
    assert "Dev now has a place and has been emailed." in response.content.decode()
    assert booking("Dev").status == "confirmed" and booking("Cara").status == "waitlisted"
    assert OutboundEmail.objects.filter(template="booking_promoted", to="dev@example.org").exists()


def test_marking_who_came_and_undoing_it(coordinator_client, coordinator):
    session = make_session(starts_at=timezone.now() - timedelta(hours=1))
    ada = signup(make_session(), 1, name="Ada").booking  # somewhere else first, so the session can be past
    ada = Booking.objects.create(session=session, person=ada.person, status="confirmed")
    url = reverse("coordinator:booking_attendance", args=[ada.pk])
    page = coordinator_client.get(bookings_url(session)).content.decode()
    assert 'Came<span class="govuk-visually-hidden"> – Ada</span>' in page

    response = coordinator_client.post(url, {"attendance": "attended"}, follow=True)
    assert "Ada is marked as came. If that was a mistake, use Undo next to their name." in response.content.decode()
    assert Booking.objects.get(pk=ada.pk).status == "attended"
    assert "Ada" in section(response.content.decode(), "attended")
    coordinator_client.post(url, {"attendance": "no_show"})
    assert Booking.objects.get(pk=ada.pk).status == "no_show"
    response = coordinator_client.post(url, {"attendance": "undo"}, follow=True)
    assert "Ada is back to booked, not marked either way." in response.content.decode()
    assert Booking.objects.get(pk=ada.pk).status == "confirmed"
    assert AuditEntry.objects.filter(verb="booking.attended", actor=coordinator).exists()

    response = coordinator_client.post(url, {"attendance": "maybe"}, follow=True)
    assert "Choose whether they came" in response.content.decode()


def test_someone_waiting_cannot_be_marked_as_came(coordinator_client, full_session):
    cara = booking("Cara")
    response = coordinator_client.post(reverse("coordinator:booking_attendance", args=[cara.pk]),
                                       {"attendance": "attended"}, follow=True)  # fmt: skip
    assert "Cara does not have a place, so cannot be checked in." in response.content.decode()
    assert booking("Cara").status == "waitlisted"


def test_attendance_buttons_only_appear_from_the_day_of_the_session(coordinator_client, full_session):
    html = coordinator_client.get(bookings_url(full_session)).content.decode()
    assert "Move to waiting list" in section(html, "confirmed")
    assert "Did not come<span" not in html and "Give a place" in section(html, "waiting")


def test_bookings_on_a_cancelled_session_cannot_be_changed(coordinator_client, full_session):
    full_session.status = "cancelled"
    full_session.save()
    html = coordinator_client.get(bookings_url(full_session)).content.decode()
    assert "Move to waiting list" not in html and "Give a place" not in html
    response = coordinator_client.post(reverse("coordinator:booking_move", args=[booking("Ada").pk]), follow=True)
    assert "This session is cancelled, so its bookings cannot be changed." in response.content.decode()
    assert booking("Ada").status == "confirmed"


def test_the_way_back_never_leaves_the_bookings_page(coordinator_client, full_session):
    response = coordinator_client.post(reverse("coordinator:booking_promote", args=[booking("Cara").pk]),
                                       {"next": "https://evil.example/"})  # fmt: skip
    assert response["Location"] == bookings_url(full_session)


# --- A booking taken by phone -------------------------------------------------------------------


def phone_booking(**overrides) -> dict:
    data = {"name": "Pat Caller", "email": "Pat@Example.org", "phone": "01632 960 001", "pronouns": "they/them",
            "interests": "gardening", "perspectives": ["carer"], "dietary_needs": "Vegan", "heard_about": "Library"}  # fmt: skip
    data.update(overrides)
    return data


def test_other_dietary_need_without_details_is_an_error_by_the_details_box(coordinator_client):
    session = make_session(capacity=5)
    url = reverse("coordinator:booking_add", args=[session.pk])
    response = coordinator_client.post(url, phone_booking(dietary_kinds=["other"], dietary_needs=""))
    assert response.status_code == 400
    page = response.content.decode()
    error = page.split('id="id_dietary_needs-error"', 1)[1].split("</p>", 1)[0]
    assert "Write what their other dietary need is" in error
    assert 'href="#id_dietary_needs"' in page
    assert not Booking.objects.filter(session=session).exists()


def test_coordinator_adds_a_booking_for_someone_who_phoned(coordinator_client, coordinator):
    session = make_session(capacity=5)
    url = reverse("coordinator:booking_add", args=[session.pk])
    page = coordinator_client.get(url).content.decode()
    assert "Their name, as they want to be called" in page and "5 places free" in page
    assert "Do they have any dietary needs?" in page and 'name="dietary_kinds" type="checkbox" value="halal"' in page
    data = phone_booking(access_needs=["step_free"], access_details="Uses a wheelchair", access_consent="on",
                         keep_on_file="on", dietary_kinds=["vegan", "nut_allergy"])  # fmt: skip
    response = coordinator_client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == bookings_url(session)
    assert "Pat Caller has a place, taken by you. We have emailed their confirmation" in response.content.decode()
    made = Booking.objects.select_related("person").get(session=session)
    assert made.status == "confirmed" and made.source == "coordinator" and made.taken_by == coordinator
    assert (made.person.email, made.person.phone, made.person.perspectives) == (
        "pat@example.org",
        "01632 960 001",
        ["carer"],
    )
    assert (made.dietary_needs, made.heard_about) == ("Vegan", "Library")
    assert made.dietary_kinds == ["vegan", "nut_allergy"]
    needs = AccessNeeds.objects.get(booking=made)
    assert needs.needs == ["step_free"] and needs.details == "Uses a wheelchair" and needs.keep_on_file
    consent = ConsentRecord.objects.get(person=made.person, kind="health_data")
    assert consent.given and consent.source == "coordinator"
    assert OutboundEmail.objects.filter(template="booking_confirmation", to="pat@example.org").exists()
    assert AuditEntry.objects.get(verb="booking.created", target_id=str(made.pk)).actor == coordinator


def test_access_needs_without_their_agreement_are_refused_and_nothing_is_saved(coordinator_client):
    session = make_session()
    response = coordinator_client.post(reverse("coordinator:booking_add", args=[session.pk]),
                                       phone_booking(access_details="Needs a quiet room"))  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400 and "<title>Error: " in html
    assert "Read them the words about storing access needs and tick the box if they agree" in html
    assert 'href="#id_access_consent"' in html
    assert not Booking.objects.exists() and not Person.objects.exists()


def test_a_phone_booking_on_a_full_session_joins_the_waiting_list(coordinator_client, full_session):
    url = reverse("coordinator:booking_add", args=[full_session.pk])
    assert "The session is full, so they will join the waiting list after the 2 already waiting" in (
        coordinator_client.get(url).content.decode())  # fmt: skip
    response = coordinator_client.post(url, phone_booking(), follow=True)
    assert "There was no place free for Pat Caller, so they are on the waiting list at number 3." in (
        response.content.decode())  # fmt: skip
    assert Booking.objects.get(person__email="pat@example.org").status == "waitlisted"


def test_a_phone_booking_works_before_sign_up_opens_to_the_public(coordinator_client):
    session = make_session(signup_opens_at=timezone.now() + timedelta(days=3))
    url = reverse("coordinator:booking_add", args=[session.pk])
    assert "Sign-up has not opened to the public yet. You can still add bookings." in (
        coordinator_client.get(url).content.decode())  # fmt: skip
    coordinator_client.post(url, phone_booking())
    assert Booking.objects.get(session=session).status == "confirmed"


def test_someone_already_booked_is_not_booked_twice(coordinator_client, full_session):
    response = coordinator_client.post(reverse("coordinator:booking_add", args=[full_session.pk]),
                                       phone_booking(name="Someone else", email="CARA@example.org"), follow=True)  # fmt: skip
    assert "Cara is on the waiting list (number 1), so nothing was changed." in response.content.decode()
    assert Booking.objects.filter(session=full_session).count() == 4
    assert Person.objects.get(email="cara@example.org").name == "Cara"


def test_no_bookings_can_be_added_to_a_draft_or_cancelled_session(coordinator_client):
    for status in ("draft", "cancelled"):
        session = make_session(status=status)
        response = coordinator_client.post(reverse("coordinator:booking_add", args=[session.pk]), phone_booking(),
                                           follow=True)  # fmt: skip
        assert response.redirect_chain[-1][0] == bookings_url(session)
        assert not Booking.objects.filter(session=session).exists()


def test_phone_booking_mistakes_are_shown_next_to_the_field(coordinator_client):
    session = make_session()
    response = coordinator_client.post(reverse("coordinator:booking_add", args=[session.pk]),
                                       phone_booking(name="", email="not-an-email", phone="call me"))  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter their name" in html and "Enter an email address in the correct format" in html
    assert "Enter a phone number, like 01632 960 001" in html and 'href="#id_name"' in html
    assert not Booking.objects.exists()


# --- Message the people on a session ------------------------------------------------------------


def test_coordinator_previews_then_sends_a_message_to_the_waiting_list(coordinator_client, full_session, coordinator):
    url = reverse("coordinator:session_message", args=[full_session.pk])
    form = coordinator_client.get(url).content.decode()
    assert "Everyone on the waiting list (2 people)" in form
    data = {"audience": "waiting", "subject": "Room change", "body": "We are in room 2.\n\nSee you there."}
    preview = coordinator_client.post(url, {**data, "action": "preview"}).content.decode()
    assert "Check your message before sending" in preview and "Send to 2 people" in preview
    assert "<p>We are in room 2.</p>" in preview
    assert not OutboundEmail.objects.filter(template="session_message").exists()  # previewing is not sending

    response = coordinator_client.post(url, {**data, "action": "send"}, follow=True)
    assert "Your message “Room change” is being sent to 2 people." in response.content.decode()
    sent = OutboundEmail.objects.filter(template="session_message")
    assert sorted(e.to for e in sent) == ["cara@example.org", "dev@example.org"]
    assert all(e.context["body"] == "We are in room 2.\n\nSee you there." for e in sent)
    assert AuditEntry.objects.get(verb="session.messaged").actor == coordinator


def test_changing_the_message_after_the_preview_keeps_what_was_typed(coordinator_client, full_session):
    url = reverse("coordinator:session_message", args=[full_session.pk])
    html = coordinator_client.post(url, {"audience": "everyone", "subject": "Hi", "body": "Hello <b>all</b>",
                                         "action": "edit"}).content.decode()  # fmt: skip
    assert 'value="Hi"' in html and "Hello &lt;b&gt;all&lt;/b&gt;" in html
    assert not OutboundEmail.objects.filter(template="session_message").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [({"audience": "", "subject": "Hi", "body": "Text"}, "Choose who the message is for"),
     ({"audience": "staff", "subject": "Hi", "body": "Text"}, "Choose who the message is for"),
     ({"audience": "everyone", "subject": "", "body": "Text"}, "Enter a subject"),
     ({"audience": "everyone", "subject": "Hi", "body": "   "}, "Enter the message"),
     ({"audience": "everyone", "subject": "x" * 151, "body": "Text"}, "150 characters or fewer")],
)  # fmt: skip
def test_message_mistakes_are_refused_and_nothing_is_sent(coordinator_client, full_session, data, message):
    response = coordinator_client.post(reverse("coordinator:session_message", args=[full_session.pk]),
                                       {**data, "action": "send"})  # fmt: skip
    assert response.status_code == 400 and message in response.content.decode()
    assert not OutboundEmail.objects.filter(template="session_message").exists()


def test_an_empty_audience_is_refused(coordinator_client):
    session = make_session()
    signup(session, 1)
    response = coordinator_client.post(reverse("coordinator:session_message", args=[session.pk]),
                                       {"audience": "waiting", "subject": "Hi", "body": "Text", "action": "send"})  # fmt: skip
    assert response.status_code == 400 and "Nobody is in that group yet" in response.content.decode()


def test_a_subject_is_one_line(coordinator_client, full_session):
    coordinator_client.post(reverse("coordinator:session_message", args=[full_session.pk]),
                            {"audience": "confirmed", "subject": "Hi\r\nBcc: x@example.org", "body": "Text",
                             "action": "send"})  # fmt: skip
    assert {e.context["subject"] for e in OutboundEmail.objects.filter(template="session_message")} == {
        "Hi Bcc: x@example.org"
    }


# --- Downloads ----------------------------------------------------------------------------------


@pytest.fixture
def export_session():
    session = make_session(capacity=1)
    signup(session, 1, name="=HYPERLINK(\"http://evil.example\")", phone="+44 1632 960001", pronouns="she/her",
           interests="@mentions, -minus", dietary_kinds=["vegan", "nut_allergy"], dietary_needs="Cashews",
           heard_about="A friend",
           access_needs=AccessNeedsAnswer(needs=["bsl"], details="Sits near the front", consent=True))  # fmt: skip
    signup(session, 2, name="Ben Waiting", perspectives=["researcher"])
    return session


def download(client, session, **data):
    return client.post(reverse("coordinator:bookings_export", args=[session.pk]), data)


def test_bookings_download_as_csv_without_access_needs(coordinator_client, export_session, coordinator):
    response = download(coordinator_client, export_session, file_format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="bookings-')
    assert response["Cache-Control"] == "no-store, private"  # private: every signed-in answer (core.nostore)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Email", "Phone", "Pronouns", "Interests", "Status", "Waiting list position",
                       "Booked at", "Dietary needs", "How they heard about it"]  # fmt: skip
    first, second = rows[1], rows[2]
    assert first[0] == '\'=HYPERLINK("http://evil.example")'  # can never run as a formula
    assert first[2] == "'+44 1632 960001" and first[4] == "'@mentions, -minus"
    assert first[5] == "Confirmed" and first[8:] == ["Vegan, Nut allergy: Cashews", "A friend"]
    assert second[0] == "Ben Waiting" and second[5] == "On the waiting list" and second[6] == "1"
    assert "Sits near the front" not in response.content.decode()
    assert "title" not in " ".join(rows[0]).lower()
    assert AuditEntry.objects.filter(verb="bookings.exported", actor=coordinator).exists()
    assert not AuditEntry.objects.filter(verb="access_needs.exported").exists()


def test_access_needs_are_downloaded_only_when_ticked_and_that_is_recorded(coordinator_client, export_session,
                                                                           coordinator):  # fmt: skip
    response = download(coordinator_client, export_session, file_format="csv", include_access_needs="on")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-3:] == ["Access needs", "Access needs in their words", "Keep access needs on file"]
    assert rows[1][-3:] == ["A British Sign Language (BSL) interpreter", "Sits near the front", "No"]
    entry = AuditEntry.objects.get(verb="access_needs.exported")
    assert entry.actor == coordinator and entry.session_id == export_session.pk


def test_bookings_download_as_xlsx_keeps_text_as_text(coordinator_client, export_session):
    response = download(coordinator_client, export_session, file_format="xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Name" and len(rows[0]) == 10
    assert rows[1][0] == '=HYPERLINK("http://evil.example")' and sheet["A2"].data_type == "s"
    assert rows[1][2] == "+44 1632 960001"
    assert rows[2][0] == "Ben Waiting" and rows[2][6] == "1"


def test_a_bad_download_choice_is_a_400_with_a_message(coordinator_client, export_session):
    response = download(coordinator_client, export_session, file_format="pdf", include_access_needs="on")
    assert response.status_code == 400
    assert "Choose a file type from the list" in response.content.decode()
    assert not AuditEntry.objects.filter(verb="access_needs.exported").exists()


def test_download_costs_the_same_queries_with_10_or_1000_bookings(coordinator_client, django_assert_num_queries):
    small, large = make_session(capacity=5), make_session(capacity=30)
    _bulk_bookings(small, 10)
    _bulk_bookings(large, 1000)
    for session, rows in ((small, 10), (large, 1000)):
        with django_assert_num_queries(6):  # sign-in (2), the session, the bookings, two audit entries
            response = download(coordinator_client, session, file_format="csv", include_access_needs="on")
        assert len(response.content.decode("utf-8-sig").splitlines()) == rows + 1


def test_the_download_page_passes_its_own_checks(coordinator_client, export_session):
    html = coordinator_client.get(reverse("coordinator:bookings_export", args=[export_session.pk])).content.decode()
    assert (
        "Include access needs (health information)" in html
        and "checked" not in html.split("include_access_needs")[1][:200]
    )


def test_marking_attendance_through_the_service_shows_in_the_download(coordinator_client, coordinator):
    session = make_session(capacity=2)
    ada = signup(session, 1, name="Ada").booking
    booking_mark_attendance(booking_id=ada.pk, attended=False, actor=coordinator)
    rows = list(
        csv.reader(io.StringIO(download(coordinator_client, session, file_format="csv").content.decode("utf-8-sig")))
    )
    assert rows[1][5] == "Did not come"


def test_html_typed_by_a_coordinator_is_escaped_in_banners_and_previews(coordinator_client, full_session):
    response = coordinator_client.post(reverse("coordinator:booking_add", args=[full_session.pk]),
                                       phone_booking(name="<script>x()</script>"), follow=True)  # fmt: skip
    html = response.content.decode()
    assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    preview = coordinator_client.post(reverse("coordinator:session_message", args=[full_session.pk]),
                                      {"audience": "everyone", "subject": "<b>Hi</b>", "body": "<img src=x>",
                                       "action": "preview"}).content.decode()  # fmt: skip
    assert "<img src=x>" not in preview and "<b>Hi</b>" not in preview
    assert "&lt;img src=x&gt;" in preview and 'value="&lt;img src=x&gt;"' in preview
