"""The coordinator's journey in real Chromium: sign in, create and publish a session, see it on the
public list; and axe-core finds no WCAG 2.2 AA problems on any coordinator page, errors included."""

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.accounts.testing import PASSWORD, make_coordinator, make_facilitator
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import add_agenda, make_session, make_venue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email="coordinator@example.org"):
    page.goto("/accounts/sign-in/")
    page.locator("main").get_by_label("Email address").fill(email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coordinator/")


def fill_session_form(page, title: str):
    day = timezone.localdate() + timedelta(days=21)
    page.locator("main").get_by_label("Title").fill(title)
    page.locator("main").get_by_label("Venue").select_option(label="Riverside Library")
    page.locator("main").get_by_label("Day").first.fill(str(day.day))
    page.locator("main").get_by_label("Month").first.fill(str(day.month))
    page.locator("main").get_by_label("Year").first.fill(str(day.year))
    page.locator("main").get_by_label("Starts at").fill("13:30")
    page.locator("main").get_by_label("Ends at").fill("16:30")
    page.locator("main").get_by_label("What it is for").fill("We decide together what the Centre does next.")
    page.locator("main").get_by_label("Goals (optional)").fill("Agree our priorities\nChoose what to measure")
    page.locator("main").get_by_label("Agenda (optional)").fill(
        "13:30 Welcome\n15:00 Break for tea\n15:20 What we decided"
    )


def test_coordinator_signs_in_creates_and_publishes_a_session_everyone_can_see(page, axe):
    make_coordinator()
    make_venue(name="Riverside Library")
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    assert page.locator("h1").inner_text() == "Sign in"
    axe(page)
    page.locator("main").get_by_label("Email address").fill("coordinator@example.org")
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coordinator/")
    assert page.locator("h1").inner_text() == "Your sessions"
    axe(page)

    page.locator("main").get_by_role("button", name="Create a session").click()
    assert page.locator("h1").inner_text() == "Create a session"
    axe(page)
    page.locator("main").get_by_role("button", name="Publish session").click()
    assert page.title().startswith("Error: Create a session")
    assert page.locator(".govuk-error-summary").is_visible()
    axe(page)  # the form showing errors

    fill_session_form(page, "Planning the Centre's year")
    page.locator("main").get_by_role("button", name="Publish session").click()
    assert page.locator("h1").inner_text() == "Planning the Centre's year"
    assert "is published" in page.locator(".govuk-notification-banner").inner_text()
    axe(page)

    session = Session.objects.get()
    assert session.status == "published" and session.agenda.filter(is_break=True).count() == 1
    page.get_by_role("link", name="Public site").click()
    assert page.get_by_role("link", name="Planning the Centre's year").is_visible()


def test_a_session_can_be_created_with_javascript_switched_off(page_without_js):
    page = page_without_js
    make_coordinator()
    make_venue(name="Riverside Library")
    sign_in(page)
    page.goto("/coordinator/sessions/new/")
    fill_session_form(page, "No script needed")
    page.locator("main").get_by_role("button", name="Save as draft").click()
    assert "saved as a draft" in page.locator(".govuk-notification-banner").inner_text()
    page.locator("main").get_by_role("button", name="Publish session").click()
    assert "is published" in page.locator(".govuk-notification-banner").inner_text()
    assert Session.objects.get().status == "published"


def test_sign_in_works_by_keyboard_alone(page):
    make_coordinator()
    page.goto("/accounts/sign-in/")
    page.locator("body").press("Tab")  # skip link first
    for _ in range(12):
        if page.evaluate("document.activeElement.id") == "id_username":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("coordinator@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/coordinator/")


def test_every_coordinator_page_passes_axe_including_errors_and_empty_states(page, axe):
    make_coordinator()
    sign_in(page)
    axe(page)  # home with nothing yet: "Start by adding a venue"
    page.goto("/coordinator/venues/")
    axe(page)
    page.goto("/coordinator/venues/new/")
    axe(page)
    page.locator("main").get_by_role("button", name="Add venue").click()
    assert page.title().startswith("Error: ")
    axe(page)

    session = make_session(title="Full house", capacity=1, venue=make_venue(name="Riverside Library"))
    add_agenda(session)
    signup(
        session,
        1,
        name="Ada",
        access_needs=AccessNeedsAnswer(needs=["bsl"], details="Sits near the front", consent=True),
    )
    signup(session, 2, name="Ben", dietary_needs="Vegan")
    make_session(title="Last year", starts_at=timezone.now() - timedelta(days=300), venue=session.venue)
    pages = [
        "/coordinator/",
        "/coordinator/venues/",
        f"/coordinator/venues/{session.venue_id}/edit/",
        f"/coordinator/sessions/{session.pk}/",
        f"/coordinator/sessions/{session.pk}/edit/",
        f"/coordinator/sessions/{session.pk}/bookings/",
        f"/coordinator/sessions/{session.pk}/bookings/?q=ben",
        f"/coordinator/sessions/{session.pk}/access-needs/",
        f"/coordinator/bookings/{session.bookings.get(person__name='Ada').pk}/cancel/",
    ]
    for url in pages:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        axe(page)

    page.goto(f"/coordinator/sessions/{session.pk}/edit/")
    page.locator("main").get_by_label("Ends at").fill("09:00")
    page.locator("main").get_by_role("button", name="Save changes").click()
    assert page.title().startswith("Error: ")
    axe(page)

    page.goto(f"/coordinator/sessions/{session.pk}/bookings/")
    page.get_by_role("link", name="Cancel Ada’s booking").click()
    page.locator("main").get_by_role("button", name="Yes, cancel this booking").click()
    assert "Ben moved up from the waiting list" in page.locator(".govuk-notification-banner").inner_text()
    axe(page)


def test_coordinator_pages_fit_a_320px_screen(browser, live_server, axe):
    make_coordinator()
    session = make_session(title="A session with a long title to wrap on a small phone screen", capacity=1)
    signup(session, 1, name="Ada", email="a.very.long.email.address.for.testing@example.org")
    signup(session, 2, name="Ben")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        sign_in(page)
        for url in ["/coordinator/", f"/coordinator/sessions/{session.pk}/bookings/", "/coordinator/venues/",
                    f"/coordinator/sessions/{session.pk}/edit/"]:  # fmt: skip
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
            axe(page)
    finally:
        context.close()


def test_password_reset_pages_and_facilitator_home_pass_axe(page, axe):
    make_facilitator()
    make_session(title="Tuesday session")
    page.goto("/accounts/password-reset/")
    axe(page)
    page.locator("main").get_by_role("button", name="Email me a link").click()
    assert page.title().startswith("Error: ")
    axe(page)
    page.locator("main").get_by_label("Email address").fill("facilitator@example.org")
    page.locator("main").get_by_role("button", name="Email me a link").click()
    assert page.locator("h1").inner_text() == "Check your email"
    axe(page)
    page.goto("/accounts/sign-in/")
    page.locator("main").get_by_role("button", name="Sign in").click()
    axe(page)  # sign-in with errors
    sign_in(page, email="facilitator@example.org")
    assert page.get_by_role("link", name="Tuesday session", exact=True).is_visible()
    assert page.get_by_role("link", name="Sign-in list for Tuesday session").is_visible()
    axe(page)
