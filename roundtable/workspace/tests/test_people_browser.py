"""People pages in a real browser: axe-core at 1280 and 360 px wide, the keyboard alone, and
without JavaScript. With ROUNDTABLE_SCREENSHOTS set to a folder, screenshots go there, to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from roundtable.accounts.testing import make_coordinator, sign_in_browser
from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_session
from roundtable.people.models import Person, PersonNote
from roundtable.records.models import Output

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("ROUNDTABLE_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=Path(SCREENSHOTS) / f"{name}.png", full_page=True)


@pytest.fixture
def world():
    coordinator = make_coordinator()
    ama = Person.objects.create(
        email="ama@example.org", name="Ama Owusu", pronouns="she/her", interests="Gardens", perspectives=["carer"]
    )
    for n, title in enumerate(["Building the Centre together", "Spring planning"]):
        session = make_session(days_ahead=-(30 + n * 40), title=title)
        Booking.objects.create(session=session, person=ama, status=Booking.Status.ATTENDED)
    Output.objects.create(session=session, kind="text", caption="A map of the garden", body="Step-free paths",
                          credit="Ama Owusu", consent="everyone_agreed")  # fmt: skip
    Booking.objects.create(session=make_session(title="Next month"), person=ama, status=Booking.Status.CONFIRMED)
    for n in range(3):
        Person.objects.create(email=f"p{n}@example.org", name=f"Person {n}", perspectives=["student"])
    return coordinator, ama


@pytest.mark.parametrize("width", [1280, 360])
def test_directory_and_person_page_pass_axe_and_fit_the_screen(browser, live_server, world, axe, width):
    coordinator, ama = world
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in_browser(context, live_server, coordinator)
    page.goto(reverse("directory:people"))
    assert page.locator("h1").inner_text() == "People"
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"people-{width}")
    page.goto(reverse("directory:people") + "?perspective=lawyer")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a perspective from the list")
    axe(page)
    page.goto(reverse("directory:person", args=[ama.pk]))
    assert page.locator("h1").inner_text() == "Ama Owusu"
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"person-{width}")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write the note")
    axe(page)
    page.get_by_label("Add a note for the team").fill("Prefers a phone call to email")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator("#notes ~ ul")).to_contain_text("Prefers a phone call to email")
    axe(page)
    shot(page, f"person-notes-{width}")
    context.close()


def test_a_coordinator_finds_a_person_by_keyboard_alone(page, live_server, world):
    coordinator, ama = world
    sign_in_browser(page.context, live_server, coordinator)
    page.goto(reverse("directory:people"))
    page.get_by_label("Name or email").focus()
    page.keyboard.type("owusu")
    page.keyboard.press("Enter")
    expect(page.locator("tbody tr")).to_have_count(1)
    link = page.get_by_role("link", name="Ama Owusu")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Ama Owusu":
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{reverse('directory:person', args=[ama.pk])}")
    assert link  # reached by Tab, opened by Enter


def test_the_directory_filters_work_without_javascript(browser, live_server, world):
    coordinator, _ = world
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in_browser(context, live_server, coordinator)
    page.goto(reverse("directory:people"))
    page.get_by_label("Perspective").select_option(label="Student")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Person 1").click()
    assert page.locator("h1").inner_text() == "Person 1"
    page.get_by_label("Add a note for the team").fill("Met at the library")
    page.get_by_role("button", name="Add the note").click()
    page.get_by_role("link", name="Delete the note of").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Note deleted")
    assert not PersonNote.objects.exists()
    context.close()
