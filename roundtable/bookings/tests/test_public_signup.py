"""Signing up through the public form, as a participant would, with the Django test client."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone

from roundtable.bookings.models import AccessNeeds, Booking
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import add_agenda, make_session
from roundtable.core.models import OutboundEmail
from roundtable.core.testing import run_tasks
from roundtable.people.models import ConsentRecord, Person

pytestmark = pytest.mark.django_db(transaction=True)

MANAGE_LINK = re.compile(r"http://[^\s\"<>]+/booking/([A-Za-z0-9_\-]+)/")


def form_url(session) -> str:
    return f"/sessions/{session.pk}/sign-up/"


def fill(**fields) -> dict:
    data = {"name": "Ruth", "email": "ruth@example.org"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def html(response) -> str:
    return response.content.decode()


def main(response) -> str:
    """Only the page's own content, without the site-wide header and footer."""
    return html(response).split('id="main-content"', 1)[1].split("</main>", 1)[0]


def manage_path_from(message) -> str:
    match = MANAGE_LINK.search(message.body)
    assert match is not None
    return "/booking/" + match.group(1) + "/"


def test_whole_journey_sign_up_confirm_manage_and_cancel(client):
    session = make_session(title="Building the Centre together", capacity=30)
    add_agenda(session)

    page = client.get(session.get_absolute_url())
    assert f'href="{form_url(session)}"' in html(page)
    form = client.get(form_url(session))
    assert form.status_code == 200 and "The name you want to be called" in html(form)

    response = client.post(
        form_url(session),
        fill(
            name="Ruth",
            email="Ruth@Example.org",
            pronouns="she/her",
            interests="gardening, data",
            perspectives=["carer", "community_member"],
            access_needs=["hearing_loop", "regular_breaks"],
            access_details="I lip-read, so a seat near the front",
            access_consent="on",
            dietary_needs="Vegetarian",
            heard_about="A poster in the library",
        ),
    )
    assert response.status_code == 302
    reference = response.url.split("/signed-up/")[1].rstrip("/")
    assert len(reference) >= 32 and "ruth" not in reference.lower()  # random: nothing to read or guess

    confirmation = client.get(response.url)
    assert confirmation.status_code == 200
    assert "You have a place" in html(confirmation)
    assert "We have sent an email to <strong>ruth@example.org</strong>" in html(confirmation)
    assert f"/sessions/{session.pk}/calendar.ics" in html(confirmation)
    assert "/booking/" not in html(confirmation)  # the private link goes only by email

    booking = Booking.objects.select_related("person").get()
    assert booking.status == "confirmed" and booking.person.email == "ruth@example.org"
    assert booking.person.perspectives == ["carer", "community_member"]
    needs = AccessNeeds.objects.get(booking=booking)
    assert needs.needs == ["hearing_loop", "regular_breaks"] and "lip-read" in needs.details
    assert ConsentRecord.objects.filter(person=booking.person, kind="health_data", given=True).exists()

    run_tasks()
    assert len(mail.outbox) == 1
    manage = client.get(manage_path_from(mail.outbox[0]))
    assert manage.status_code == 200
    assert "You have a place" in html(manage) and "Building the Centre together" in html(manage)

    cancel_page = client.get(manage_path_from(mail.outbox[0]) + "cancel/")
    assert "Are you sure you want to cancel?" in html(cancel_page)
    assert Booking.objects.get().status == "confirmed"  # looking at the question cancels nothing

    done = client.post(manage_path_from(mail.outbox[0]) + "cancel/")
    assert done.status_code == 302
    assert "Your booking is cancelled" in html(client.get(done.url))
    assert Booking.objects.get().status == "cancelled"

    gone = client.get(manage_path_from(mail.outbox[0]))
    assert gone.status_code == 404
    assert "This link no longer works" in html(gone)
    assert "stops working when the booking it belongs to is cancelled" in html(gone)


def test_full_session_puts_newcomer_on_waiting_list_with_their_number(client):
    session = make_session(capacity=1)
    signup(session, 1)
    signup(session, 2)
    form = client.get(form_url(session))
    assert "Join the waiting list" in html(form)
    response = client.post(form_url(session), fill())
    confirmation = client.get(response.url)
    assert "You are number 2 on the waiting list" in html(confirmation)
    assert Booking.objects.get(person__email="ruth@example.org").status == "waitlisted"


def test_missing_answers_show_an_error_summary_linked_to_each_field(client):
    session = make_session()
    response = client.post(form_url(session), {"name": "  ", "email": "not an email", "pronouns": "they/them"})
    page = html(response)
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert 'class="govuk-error-summary"' in page
    assert '<a href="#id_name">Enter the name you want to be called</a>' in page
    assert '<a href="#id_email">Enter an email address in the correct format, like name@example.com</a>' in page
    assert 'id="id_name-error"' in page and 'id="id_email-error"' in page
    assert 'value="not an email"' in page and 'value="they/them"' in page  # what they typed is kept
    assert not Person.objects.exists() and not Booking.objects.exists()


def test_a_2000_character_name_is_refused_with_a_clear_message(client):
    session = make_session()
    response = client.post(form_url(session), fill(name="A" * 2000))
    assert response.status_code == 400
    assert "Name must be 100 characters or fewer" in html(response)
    assert not Person.objects.exists() and not Booking.objects.exists()


def test_access_needs_without_consent_ask_to_tick_the_box_or_clear_them(client):
    session = make_session()
    response = client.post(form_url(session), fill(access_needs=["bsl"], access_details="An interpreter, please"))
    page = html(response)
    assert response.status_code == 400
    assert '<a href="#id_access_consent">Tick the box to agree to us storing your access needs' in page
    assert 'id="id_access_consent-error"' in page
    assert "An interpreter, please" in page and 'value="bsl" checked' in page
    assert not Booking.objects.exists() and not AccessNeeds.objects.exists()


def test_prefer_not_to_say_needs_no_consent_and_stores_no_health_information(client):
    session = make_session()
    response = client.post(form_url(session), fill(access_prefer_not_to_say="on", perspectives=["prefer_not_to_say"]))
    assert response.status_code == 302
    assert Booking.objects.count() == 1 and not AccessNeeds.objects.exists()
    assert Person.objects.get().perspectives == ["prefer_not_to_say"]


def test_unknown_perspective_or_need_is_refused(client):
    session = make_session()
    response = client.post(form_url(session), fill(perspectives=["chief_executive"], access_needs=["x"]))
    assert response.status_code == 400
    assert "Choose from the list" in html(response) and "Choose access needs from the list" in html(response)
    assert not Booking.objects.exists()


def test_the_form_asks_nothing_about_work(client):
    page = main(client.get(form_url(make_session())))
    names = set(re.findall(r'<(?:input|textarea|select)[^>]* name="([^"]+)"', page))
    assert names == {
        "csrfmiddlewaretoken",
        "name",
        "email",
        "phone",
        "pronouns",
        "interests",
        "perspectives",
        "access_needs",
        "access_details",
        "access_prefer_not_to_say",
        "access_consent",
        "keep_on_file",
        "dietary_kinds",
        "dietary_needs",
        "heard_about",
        "wants_updates",
    }
    for words in ("job" + " title", "your role", "organisation", "organization"):
        assert words not in page.lower()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: make_session(status=Session.Status.CANCELLED, cancel_reason="Rail strike"),
            "This session has been cancelled",
        ),
        (
            lambda: make_session(signup_closes_at=timezone.now() - timedelta(minutes=5)),
            "Sign-up for this session has closed",
        ),
        (lambda: make_session(signup_opens_at=timezone.now() + timedelta(days=3)), "Sign-up for this session opens on"),
        (lambda: make_session(starts_at=timezone.now() - timedelta(days=2)), "This session has already happened"),
    ],
    ids=["cancelled", "closed", "not-yet-open", "past"],
)
def test_sessions_not_taking_sign_ups_say_why_and_take_no_booking(client, make, message):
    session = make()
    form = client.get(form_url(session))
    assert message in main(form) and "<form" not in main(form)
    response = client.post(form_url(session), fill())
    assert response.status_code == 409
    assert message in html(response)
    assert not Booking.objects.exists() and not Person.objects.exists()


def test_unknown_session_is_not_found(client):
    assert client.post("/sessions/987654/sign-up/", fill()).status_code == 404
    assert client.get("/sessions/987654/sign-up/").status_code == 404


def _confirmation(client, session, **fields) -> str:
    """The confirmation page's own content after signing up."""
    response = client.post(form_url(session), fill(**fields))
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    return main(page)


@pytest.mark.parametrize("capacity", [1, 5], ids=["full", "places-free"])
def test_signing_up_again_looks_exactly_like_a_fresh_sign_up(client, capacity):
    """A stranger who types someone's address learns nothing: the page is the one a fresh sign-up
    with the same details gets for the session as it stands, and the owner gets the truth by email."""
    session = make_session(capacity=capacity)
    signup(session, 1, email="first@example.org", dietary_needs="Vegan", heard_about="A poster")
    signup(session, 2, email="ruth@example.org", name="Ruth", dietary_needs="No nuts")  # waitlisted if full
    run_tasks()
    mail.outbox.clear()
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=20))

    repeat = _confirmation(client, session, name="Someone else", email="RUTH@example.org", dietary_needs="Halal")
    repeat_holder = _confirmation(client, session, name="Someone else", email="first@example.org")
    assert Booking.objects.filter(session=session).count() == 2
    fresh = _confirmation(client, session, name="Someone else", email="newcomer@example.org", dietary_needs="Halal")

    assert repeat.replace("ruth@example.org", "newcomer@example.org") == fresh
    fresh_without_food = fresh.split('<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Dietary')
    assert repeat_holder.replace("first@example.org", "newcomer@example.org").startswith(fresh_without_food[0])
    if capacity == 1:
        assert "You are number 2 on the waiting list" in fresh  # what a newcomer gets, both ways
    else:
        assert "You have a place" in fresh
    assert "No nuts" not in repeat and "Vegan" not in repeat_holder and "A poster" not in repeat_holder
    assert "/booking/" not in repeat

    run_tasks()
    to_ruth = [m for m in mail.outbox if m.to == ["ruth@example.org"]]
    assert len(to_ruth) == 1  # the confirmation is re-sent to its owner, saying what is true
    if capacity == 1:
        assert "You are already number 1 on the waiting list" in to_ruth[0].body
    else:
        assert "You already have a place" in to_ruth[0].body
    assert "You are already booked" in to_ruth[0].body


def test_a_double_click_makes_one_booking_and_one_email(client):
    session = make_session()
    for _ in range(3):  # a double click, then Back and submit again
        assert client.post(form_url(session), fill()).status_code == 302
    assert Booking.objects.filter(session=session).count() == 1
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ruth@example.org"]]


def test_repeat_sign_ups_cannot_flood_an_inbox(client, settings):
    settings.SIGNUP_REPEAT_QUIET_MINUTES = 0
    settings.BOOKING_EMAILS_PER_ADDRESS = (3, 3600)
    settings.SIGNUP_RATE_LIMIT = None
    sessions = [make_session(title=f"Session {n}") for n in range(3)]
    for _ in range(5):
        for session in sessions:
            assert client.post(form_url(session), fill(email="victim@example.org")).status_code == 302
    assert Booking.objects.filter(person__email="victim@example.org").count() == 3
    assert OutboundEmail.objects.filter(to="victim@example.org").count() == 3
    # Someone else is not held back by it.
    assert client.post(form_url(sessions[0]), fill(email="other@example.org")).status_code == 302
    assert OutboundEmail.objects.filter(to="other@example.org").count() == 1


def test_confirmation_reference_cannot_be_forged_moved_or_reused_later(client):
    session = make_session()
    other = make_session()
    response = client.post(form_url(session), fill())
    reference = response.url.rstrip("/").rsplit("/", 1)[1]
    booking = Booking.objects.get()

    assert client.get(f"/sessions/{other.pk}/signed-up/{reference}/").status_code == 404
    forged = signing.dumps({"b": booking.pk, "s": session.pk, "new": True}, salt="bookings.signed-up")
    assert client.get(f"/sessions/{session.pk}/signed-up/{forged}/").status_code == 404
    assert client.get(f"/sessions/{session.pk}/signed-up/{reference[:-2]}xx/").status_code == 404
    later = timezone.now() + timedelta(minutes=31)
    with mock.patch("django.core.cache.backends.db.tz_now", return_value=later):
        expired = client.get(f"/sessions/{session.pk}/signed-up/{reference}/")
    assert expired.status_code == 404 and "This page is no longer available" in html(expired)
    assert "ruth@example.org" not in html(expired)


def test_confirmation_page_is_private(client):
    session = make_session()
    response = client.get(client.post(form_url(session), fill()).url)
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_too_many_sign_ups_from_one_place_get_a_clear_429(client, settings):
    settings.SIGNUP_RATE_LIMIT = (2, 3600)
    session = make_session()
    assert client.post(form_url(session), fill(email="a@example.org")).status_code == 302
    assert client.post(form_url(session), fill(email="b@example.org")).status_code == 302
    refused = client.post(form_url(session), fill(email="c@example.org"))
    assert refused.status_code == 429
    assert "Too many sign-up attempts" in html(refused) and "try again in an hour" in html(refused)
    assert not Person.objects.filter(email="c@example.org").exists()
    assert client.get(form_url(session)).status_code == 200  # reading the form is never limited


def test_session_closing_while_the_form_is_open_takes_no_booking(client):
    session = make_session()
    client.get(form_url(session))
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    response = client.post(form_url(session), fill())
    assert response.status_code == 409 and not Booking.objects.exists()
    assert OutboundEmail.objects.count() == 0


def test_confirmation_shows_nothing_about_whoever_already_uses_that_email(client):
    earlier = make_session()
    signup(earlier, 1, email="ruth@example.org", phone="07700 900 982", pronouns="she/her", interests="allotments")
    session = make_session()
    response = client.post(form_url(session), fill(name="Not Ruth", email="ruth@example.org"))
    page = main(client.get(response.url))
    assert "You have a place" in page
    for private in ("Person 1", "07700 900 982", "she/her", "allotments"):
        assert private not in page


def test_the_confirmation_page_shows_no_template_source(client):
    session = make_session()
    response = client.post(form_url(session), {"name": "Sam", "email": "sam@example.org"}, follow=True)
    page = html(response)
    assert "What you told us" in page
    assert "{#" not in page and "#}" not in page and "Only what this sign-up itself set" not in page
