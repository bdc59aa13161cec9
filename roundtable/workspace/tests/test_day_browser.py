"""The day in a real browser (Chromium through Playwright): a tablet at the door, keyboard only,
without JavaScript, and axe-core on every page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from roundtable.accounts.testing import make_coordinator, make_facilitator, sign_in_browser
from roundtable.bookings.models import AccessNeed, Booking
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import add_agenda, make_session
from roundtable.workspace.tests.test_day_printables import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def session():
    session = make_session(title="Building the Centre together")
    add_agenda(session)
    signup(
        session,
        name="Zainab Ali",
        pronouns="she/her",
        interests="Gardening, radio",
        access_needs=AccessNeedsAnswer(needs=[AccessNeed.STEP_FREE], details="Ramp please", consent=True),
    )
    signup(session, name="Ben Okafor", dietary_needs="Vegan")
    signup(session, name="Chloe Davies", pronouns="they/them")
    return session


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=TABLET, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _row(page, name):
    return page.locator(".rt-check-in__row", has_text=name)


def test_check_in_on_a_tablet_by_tapping_then_undo(tablet, live_server, session, axe):
    sign_in_browser(tablet.context, live_server, make_facilitator())
    tablet.goto(reverse("day:check_in", args=[session.pk]))
    axe(tablet)
    button = _row(tablet, "Ben Okafor").get_by_role("button", name="Sign in Ben Okafor")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a target a thumb can hit

    button.tap()
    tablet.wait_for_url(f"**#booking-{Booking.objects.get(person__name='Ben Okafor').pk}")
    assert _row(tablet, "Ben Okafor").locator(".govuk-tag").inner_text() == "Signed in"
    assert tablet.locator(".govuk-notification-banner").inner_text().strip().endswith("Ben Okafor is signed in.")
    assert Booking.objects.get(person__name="Ben Okafor").status == Booking.Status.ATTENDED
    expect(tablet.locator(".rt-counts")).to_contain_text("1 signed in")
    axe(tablet)

    undo = _row(tablet, "Ben Okafor").get_by_role("button", name="Undo sign-in for Ben Okafor")
    assert undo.is_visible()
    undo.tap()
    expect(tablet.locator(".govuk-notification-banner")).to_contain_text("Ben Okafor is back on the list")
    expect(_row(tablet, "Ben Okafor").get_by_role("button", name="Sign in Ben Okafor")).to_be_visible()
    assert Booking.objects.get(person__name="Ben Okafor").status == Booking.Status.CONFIRMED


def test_walk_in_added_in_seconds_on_a_tablet(tablet, live_server, session, axe):
    sign_in_browser(tablet.context, live_server, make_facilitator())
    tablet.goto(reverse("day:check_in", args=[session.pk]))
    tablet.get_by_text("Add someone who is not on the list").tap()
    tablet.get_by_role("button", name="Add and sign in").tap()  # nothing typed: an error, next to the field
    expect(tablet).to_have_title(re.compile("^Error:"))
    assert tablet.locator("#id_walk-in-name-error").is_visible()
    axe(tablet)
    tablet.get_by_label("Name they want to be called").fill("Wanda Walk-in")
    tablet.get_by_label("Pronouns (optional)").fill("she/her")
    tablet.get_by_role("button", name="Add and sign in").tap()
    expect(_row(tablet, "Wanda Walk-in").locator(".govuk-tag")).to_have_text("Signed in")
    assert Booking.objects.get(person__name="Wanda Walk-in").status == Booking.Status.ATTENDED


def test_check_in_by_keyboard_alone(page, live_server, session):
    sign_in_browser(page.context, live_server, make_coordinator())
    page.goto(reverse("day:check_in", args=[session.pk]))
    page.get_by_label("Find a name").focus()
    page.keyboard.type("chlo")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=chlo")
    # Tab through the page from the top until the sign-in button for the one match has focus.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip().startswith("Sign in"):
            break
    assert "Chloe Davies" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=chlo#booking-*")
    assert Booking.objects.get(person__name="Chloe Davies").status == Booking.Status.ATTENDED


def test_check_in_works_without_javascript(page_without_js, live_server, session):
    sign_in_browser(page_without_js.context, live_server, make_facilitator())
    page_without_js.goto(reverse("day:check_in", args=[session.pk]))
    _row(page_without_js, "Zainab Ali").get_by_role("button", name="Sign in Zainab Ali").click()
    expect(_row(page_without_js, "Zainab Ali").locator(".govuk-tag")).to_have_text("Signed in")


def test_badges_download_as_a_pdf_with_the_names_in_it(page, live_server, session, axe):
    sign_in_browser(page.context, live_server, make_facilitator())
    page.goto(reverse("day:printables", args=[session.pk]))
    axe(page)
    page.get_by_label("Large print: 4 badges on each A4 sheet").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download badges (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"badges-large-{session.pk}.pdf"
    text = pdf_text(open(download.path(), "rb").read())
    for name in ("Zainab Ali", "Ben Okafor", "Chloe Davies", "she/her", "Gardening · radio"):
        assert name in text


def test_every_on_the_day_page_passes_axe_for_a_coordinator_including_errors(page, live_server, session, axe):
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=2)
    )
    sign_in_browser(page.context, live_server, make_coordinator())
    for name in ("access_briefing", "access_summary", "agenda", "check_in", "printables"):
        page.goto(reverse(f"day:{name}", args=[session.pk]))
        assert page.locator("h1").count() == 1, name
        axe(page)

    # An arrangement saved, then one with an error, on the named briefing.
    page.goto(reverse("day:access_briefing", args=[session.pk]))
    section = page.locator("#need-step_free")
    section.get_by_label("Arranged").check()
    section.get_by_label("Note (optional)").fill("Ramp at the side door is booked")
    section.get_by_role("button", name="Save Step-free access or a wheelchair space").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Saved: Step-free access or a wheelchair space – Arranged."
    )
    axe(page)
    section = page.locator("#need-dietary")
    section.get_by_label("Note (optional)").fill("x" * 1001)
    section.get_by_role("button", name="Save Dietary needs").click()
    expect(page).to_have_title(re.compile("^Error:"))
    page.locator(".govuk-error-summary a").first.click()
    axe(page)

    # The badge form with a size that is not offered.
    page.goto(reverse("day:badges_pdf", args=[session.pk]) + "?size=poster")
    expect(page).to_have_title(re.compile("^Error:"))
    axe(page)


def test_pages_fit_a_320px_screen_without_sideways_scrolling(browser, live_server, session):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in_browser(context, live_server, make_coordinator())
    for name in ("access_briefing", "access_summary", "agenda", "check_in", "printables"):
        page.goto(reverse(f"day:{name}", args=[session.pk]))
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, name
    context.close()
