"""The coordinator's tools in real Chromium: publish a session with balanced places, take a booking
by phone, cancel a session with a reason, and axe-core on every page these add, errors included."""

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator, make_facilitator
from roundtable.bookings.models import AccessNeeds, Booking
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import ReservedPlaces, Session
from roundtable.cocreation.testing import add_agenda, make_programme, make_session, make_venue
from roundtable.core.models import OutboundEmail
from roundtable.workspace.tests.test_coordinator_browser import fill_session_form, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def banner(page) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


def test_coordinator_publishes_a_session_with_balanced_places(page, axe):
    coordinator = make_coordinator()
    make_venue(name="Riverside Library")
    sign_in(page)
    page.goto("/coordinator/sessions/new/")
    fill_session_form(page, "Planning with lived experience")
    main = page.locator("main")
    main.get_by_label("Number of places", exact=True).fill("20")
    main.get_by_label("Reminder emails (optional)").fill("10, 2")
    main.get_by_label("Number of places to hold back").fill("30")
    main.get_by_label("People with lived experience").check()
    main.get_by_role("button", name="Publish session").click()
    assert page.title().startswith("Error: Create a session")
    summary = page.locator(".govuk-error-summary")
    assert "The held places add up to 30, more than the 20 places on the session" in summary.inner_text()
    axe(page)  # the form with a held-places mistake
    summary.get_by_role("link", name="The held places add up to 30").click()
    assert page.evaluate("document.activeElement.id") == "id_held-0-places"

    main.get_by_label("Number of places to hold back").fill("10")
    main.get_by_label("Open them to everyone this many days before the session").fill("7")
    main.get_by_role("button", name="Publish session").click()
    assert "is published" in banner(page)
    assert "10 places for people with lived experience, until" in main.inner_text()
    axe(page)

    session = Session.objects.get()
    assert session.status == "published" and session.created_by == coordinator and session.reminder_days == [10, 2]
    pool = ReservedPlaces.objects.get(session=session)
    assert (pool.places, pool.perspectives) == (10, ["lived_experience"])

    main.get_by_role("link", name="See the public page").click()
    assert "10 places are kept for people with lived experience until" in page.locator("main").inner_text()
    axe(page)

    page.goto(f"/coordinator/sessions/{session.pk}/edit/")
    assert page.locator("#id_held-0-places").input_value() == "10"
    axe(page)  # the edit form with a group and an empty row


def test_coordinator_adds_a_booking_for_someone_who_phoned(page, axe):
    coordinator = make_coordinator()
    session = make_session(title="Full house", capacity=1)
    signup(session, 1, name="Ada")
    sign_in(page)
    page.goto(f"/coordinator/sessions/{session.pk}/bookings/")
    page.locator("main").get_by_role("link", name="Add a booking for someone who phoned or emailed").click()
    assert page.locator("h1").inner_text() == "Add a booking for someone"
    axe(page)
    main = page.locator("main")
    main.get_by_label("Their name, as they want to be called").fill("Pat Caller")
    main.get_by_label("Anything else that would help them").fill("A seat near the door")
    main.get_by_role("button", name="Add the booking").click()
    assert page.title().startswith("Error: ")
    assert "Enter their email address" in page.locator(".govuk-error-summary").inner_text()
    axe(page)  # the form showing errors

    main.get_by_label("Their email address").fill("pat@example.org")
    main.get_by_label("Their phone number").fill("01632 960 001")
    main.get_by_label("Carer", exact=True).check()
    main.get_by_label("They agreed to us storing their access needs").check()
    main.get_by_role("button", name="Add the booking").click()
    assert "There was no place free for Pat Caller, so they are on the waiting list at number 1" in banner(page)
    axe(page)  # the bookings page with its row actions and the banner

    made = Booking.objects.get(person__email="pat@example.org")
    assert made.status == "waitlisted" and made.taken_by == coordinator and made.source == "coordinator"
    assert AccessNeeds.objects.get(booking=made).details == "A seat near the door"

    page.get_by_role("button", name="Give a place – Pat Caller").click()
    assert "Pat Caller is still on the waiting list. There is no free place." in banner(page)
    axe(page)  # the error banner
    page.get_by_role("button", name="Move to waiting list – Ada").click()
    assert "Pat Caller moved up from the waiting list" in banner(page)
    assert Booking.objects.get(pk=made.pk).status == "confirmed"


def test_coordinator_cancels_a_session_with_a_reason(page, axe):
    make_coordinator()
    session = make_session(title="Winter planning", capacity=1)
    signup(session, 1, name="Ada")
    signup(session, 2, name="Ben")
    sign_in(page)
    page.goto(f"/coordinator/sessions/{session.pk}/")
    page.locator("main").get_by_role("link", name="Cancel this session").click()
    assert page.locator("h1").inner_text() == "Cancel this session?"
    axe(page)
    page.locator("main").get_by_role("button", name="Yes, cancel the session").click()
    assert page.title().startswith("Error: ")
    axe(page)
    page.locator("main").get_by_label("Why is it cancelled?").fill("The heating has broken. Sorry!")
    page.locator("main").get_by_role("button", name="Yes, cancel the session").click()
    assert "We are emailing the 2 people who were booked or waiting, with your reason." in banner(page)
    axe(page)
    assert OutboundEmail.objects.filter(template="session_cancelled").count() == 2
    page.goto(session.get_absolute_url())
    assert "The heating has broken. Sorry!" in page.locator("main").inner_text()


def test_every_new_coordinator_page_passes_axe_including_errors(page, axe):
    make_coordinator()
    programme = make_programme(name="Building the Centre together")
    session = make_session(title="Today's session", programme=programme, capacity=3,
                           starts_at=timezone.now() - timedelta(minutes=30))  # fmt: skip
    add_agenda(session)
    ada = Booking.objects.create(session=session, person=signup(make_session(), 1, name="Ada").booking.person,
                                 status="confirmed")  # fmt: skip
    Booking.objects.create(session=session, person=signup(make_session(), 2, name="Ben").booking.person,
                           status="attended")  # fmt: skip
    upcoming = make_session(title="Coming up", capacity=1)
    signup(upcoming, 3, name="Cara")
    signup(upcoming, 4, name="Dev")
    upcoming.facilitators.set([make_facilitator(name="Alex")])
    sign_in(page)

    for url in [
        "/coordinator/programmes/",
        "/coordinator/programmes/new/",
        f"/coordinator/programmes/{programme.pk}/edit/",
        f"/coordinator/sessions/{session.pk}/",
        f"/coordinator/sessions/{upcoming.pk}/edit/",  # with "Who runs it": the team has a facilitator
        f"/coordinator/sessions/{session.pk}/bookings/",  # today: came / did not come / undo buttons
        f"/coordinator/sessions/{session.pk}/run-again/",
        f"/coordinator/sessions/{upcoming.pk}/message/",
        f"/coordinator/sessions/{upcoming.pk}/bookings/download/",
    ]:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        axe(page)

    page.goto("/coordinator/programmes/new/")
    page.locator("main").get_by_role("button", name="Add programme").click()
    assert page.title().startswith("Error: ")
    axe(page)

    page.goto(f"/coordinator/sessions/{session.pk}/run-again/")
    page.locator("main").get_by_role("button", name="Make the copy").click()
    assert page.title().startswith("Error: ")
    axe(page)

    page.goto(f"/coordinator/sessions/{upcoming.pk}/message/")
    page.locator("main").get_by_role("button", name="Preview the message").click()
    assert page.title().startswith("Error: ")
    axe(page)

    page.goto(f"/coordinator/sessions/{session.pk}/bookings/")
    page.get_by_role("button", name="Came – Ada").click()
    assert "Ada is marked as came" in banner(page)
    axe(page)
    page.get_by_role("button", name="Undo – Ada").click()
    assert Booking.objects.get(pk=ada.pk).status == "confirmed"


def test_message_preview_and_download_work_without_javascript(page_without_js):
    page = page_without_js
    make_coordinator()
    session = make_session(title="Coming up", capacity=1)
    signup(session, 1, name="Ada")
    signup(session, 2, name="Ben")
    sign_in(page)
    page.goto(f"/coordinator/sessions/{session.pk}/message/")
    main = page.locator("main")
    main.get_by_label("Everyone with a place and everyone waiting").check()
    main.get_by_label("Subject").fill("Bring a coat")
    main.get_by_label("Message").fill("It will be cold.\n\nSee you soon.")
    main.get_by_role("button", name="Preview the message").click()
    assert page.locator("h1").inner_text() == "Check your message before sending"
    main.get_by_role("button", name="Send to 2 people").click()
    assert "is being sent to 2 people" in banner(page)
    assert {
        e.context["body"].replace("\r\n", "\n") for e in OutboundEmail.objects.filter(template="session_message")
    } == {"It will be cold.\n\nSee you soon."}

    page.goto(f"/coordinator/sessions/{session.pk}/bookings/download/")
    page.locator("main").get_by_label("CSV (.csv), for any spreadsheet program").check()
    with page.expect_download() as download:
        page.locator("main").get_by_role("button", name="Download").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert "Ben" in open(download.value.path(), encoding="utf-8-sig").read()


def test_new_pages_fit_a_320px_screen(browser, live_server, axe):
    make_coordinator()
    session = make_session(title="A session with a long title to wrap on a small phone screen", capacity=1,
                           starts_at=timezone.now() - timedelta(minutes=10))  # fmt: skip
    Booking.objects.create(session=session, person=signup(make_session(), 1, name="Ada",
                           email="a.very.long.email.address.for.testing@example.org").booking.person,
                           status="confirmed")  # fmt: skip
    ReservedPlaces.objects.create(session=session, places=1, for_newcomers=True,
                                  release_at=session.starts_at + timedelta(days=1))  # fmt: skip
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        sign_in(page)
        for url in [f"/coordinator/sessions/{session.pk}/bookings/", f"/coordinator/sessions/{session.pk}/edit/",
                    f"/coordinator/sessions/{session.pk}/bookings/new/", "/coordinator/programmes/",
                    f"/coordinator/sessions/{session.pk}/run-again/"]:  # fmt: skip
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
            axe(page)
    finally:
        context.close()
