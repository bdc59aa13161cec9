"""The letter of involvement and "ask us to correct something" in real Chromium, and the team's
side of a correction (the request page, the readable copy, marking it done with a note): by the
keyboard alone, clean under axe-core at 1280 and 360 px (and 320 px without sideways scrolling),
and without JavaScript. Screenshots at 1280 and 360 px go to INVOLVEMENT_SHOTS when it is set.

Every wait has a short timeout and waits for something the server's answer contains; the PDF
links are fetched, not clicked (a download that never starts must not hold the test)."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator, sign_in_browser
from roundtable.bookings.models import Booking
from roundtable.bookings.testing import signup
from roundtable.bookings.tests.test_browser_signup import tab_to
from roundtable.cocreation.testing import make_session
from roundtable.core.testing import check_page, run_tasks
from roundtable.involvement.models import DataRequest, PersonLink
from roundtable.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("INVOLVEMENT_SHOTS", "")
TIMEOUT_MS = 10_000


def _check(page, axe, name: str) -> None:
    check_page(page, axe, name, shots=SHOTS)


@contextmanager
def a_page(browser, live_server, *, javascript: bool = True, user=None):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    try:
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.without_javascript = not javascript  # the axe check refuses such a page, not hangs
        if user is not None:
            sign_in_browser(context, live_server, user)
        yield page
    finally:
        context.close()


def _ruth() -> tuple[Person, str]:
    person = signup(make_session(title="Next month"), 1, email="ruth@example.org", name="Ruth Bell").booking.person
    Booking.objects.create(
        session=make_session(title="Planning the spring", days_ahead=-20), person=person, status=Booking.Status.ATTENDED
    )
    run_tasks()
    return person, f"/you/{PersonLink.mint(person=person)}/"


def _letter_is_a_pdf(page) -> None:
    href = page.locator('a[href$="/letter-of-involvement.pdf"]').get_attribute("href")
    response = page.request.get(href, timeout=TIMEOUT_MS)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_letter_and_correction_by_keyboard_with_axe(browser, live_server, axe):
    person, home = _ruth()
    with a_page(browser, live_server) as page:
        page.goto(home)
        assert "Letter of involvement" in page.locator("main").inner_text()
        _check(page, axe, "home-letter")
        tab_to(page, 'a[href$="/letter-of-involvement.pdf"]')  # reachable by keyboard
        _letter_is_a_pdf(page)

        tab_to(page, 'main a[href$="/correction/"]')
        page.keyboard.press("Enter")
        page.wait_for_url("**/correction/")
        _check(page, axe, "correction")
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_selector(".govuk-error-summary")
        assert page.title().startswith("Error: ")
        assert "Tell us what is wrong" in page.locator("#id_wrong-error").inner_text()
        assert "Tell us what it should say" in page.locator("#id_should_say-error").inner_text()
        _check(page, axe, "correction-error")
        tab_to(page, "#id_wrong")
        page.keyboard.type("My surname is spelt Bel on my badge")
        tab_to(page, "#id_should_say")
        page.keyboard.type("Bell")
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_selector(".govuk-panel")
        data_request = DataRequest.objects.get()
        assert f"We will reply by {data_request.due_on:%-d %B %Y}" in page.locator(".govuk-panel").inner_text()
        _check(page, axe, "correction-sent")
    assert (data_request.person_id, data_request.kind) == (person.pk, "correction")


def test_letter_and_correction_without_javascript(browser, live_server):
    person, home = _ruth()
    with a_page(browser, live_server, javascript=False) as page:
        page.goto(home)
        _letter_is_a_pdf(page)
        page.get_by_role("link", name="ask us to correct something").click()
        page.wait_for_url("**/correction/")
        page.get_by_label("What should it say?").fill("Bell")
        page.get_by_role("button", name="Send your request").click()
        page.wait_for_selector(".govuk-error-summary")
        assert page.get_by_label("What should it say?").input_value() == "Bell"  # kept
        page.get_by_label("What is wrong?").fill("My surname")
        page.get_by_role("button", name="Send your request").click()
        page.wait_for_selector(".govuk-panel")
        assert "We have your request" in page.locator("h1").inner_text()
    assert DataRequest.objects.get().person_id == person.pk


def test_the_team_answers_a_correction_by_keyboard_with_axe(browser, live_server, axe):
    person, home = _ruth()
    coordinator = make_coordinator()
    data_request = DataRequest.objects.create(
        person=person, email=person.email, kind="correction", received_on=timezone.localdate(),
        notes="What is wrong: Bel\n\nWhat it should say: Bell", from_person=True,
    )  # fmt: skip
    access = DataRequest.objects.create(
        person=person, email=person.email, kind="access", received_on=timezone.localdate()
    )
    with a_page(browser, live_server, user=coordinator) as page:
        page.goto("/coordinator/requests/")
        _check(page, axe, "team-requests")
        page.goto(f"/coordinator/requests/{access.pk}/")
        tab_to(page, "form[action$='/readable/'] button")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=being prepared")
        run_tasks()
        page.goto(f"/coordinator/requests/{access.pk}/")
        page.wait_for_selector('a[href$="/readable/file/"]')
        _check(page, axe, "team-request-readable")
        href = page.locator('a[href$="/readable/file/"]').get_attribute("href")
        response = page.request.get(href, timeout=TIMEOUT_MS)
        assert response.status == 200 and response.body().startswith(b"%PDF")

        page.goto(f"/coordinator/requests/{data_request.pk}/")
        assert "What they wrote" in page.locator("main").inner_text()
        _check(page, axe, "team-request-correction")
        tab_to(page, "#id_note")
        page.keyboard.type("Corrected the surname on her record")
        tab_to(page, "form[action$='/done/'] button")
        page.keyboard.press("Enter")
        page.wait_for_url("**/coordinator/requests/")
    data_request.refresh_from_db()
    assert data_request.completed_on is not None and data_request.done_note == "Corrected the surname on her record"
