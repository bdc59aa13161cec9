"""The sign-up journey in real Chromium: by keyboard alone, without JavaScript, and checked by axe-core
at full width and at 320px on every page a participant meets."""

import re

import pytest
from django.core import mail

from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import add_agenda, make_session, make_venue
from roundtable.core.testing import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGE_LINK = re.compile(r"https?://[^\s/]+(/booking/[A-Za-z0-9_\-]+/)")


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"Could not reach {selector} with the Tab key")


def a_session(**extra):
    venue = make_venue(
        name="Riverside Library", seating="Chairs with and without arms", food_and_drink="Tea, coffee and snacks"
    )
    session = make_session(title="Building the Centre together", venue=venue, **extra)
    add_agenda(session)
    return session


def manage_path() -> str:
    run_tasks()
    match = MANAGE_LINK.search(str(mail.outbox[-1].body))
    assert match is not None
    return match.group(1)


def fits_320(page) -> None:
    """Nothing makes the reader scroll sideways at 320px."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at a 320px viewport"


def test_whole_sign_up_journey_by_keyboard_alone(page):
    session = a_session()

    page.goto("/")
    tab_to(page, f'a[href="/sessions/{session.pk}/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/sessions/{session.pk}/")
    tab_to(page, f'a[href="/sessions/{session.pk}/sign-up/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/sign-up/")

    # Send it empty first: the error summary takes us back to the field.
    tab_to(page, "form[action$='/sign-up/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    tab_to(page, '.govuk-error-summary a[href="#id_name"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_name"

    page.keyboard.type("Ruth")
    tab_to(page, "#id_email")
    page.keyboard.type("ruth@example.org")
    tab_to(page, "#id_pronouns")
    page.keyboard.type("she/her")
    tab_to(page, 'input[name=perspectives][value="carer"]')
    page.keyboard.press("Space")
    tab_to(page, 'input[name=access_needs][value="hearing_loop"]')
    page.keyboard.press("Space")
    tab_to(page, "#id_access_consent")
    page.keyboard.press("Space")
    tab_to(page, "form[action$='/sign-up/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/signed-up/**")
    assert page.locator("h1").inner_text() == "You have a place"

    booking = Booking.objects.select_related("person").get()
    assert booking.person.name == "Ruth" and booking.person.perspectives == ["carer"]
    assert booking.access_needs.needs == ["hearing_loop"]

    # From the private link in the email: cancel, confirming first.
    page.goto(manage_path())
    assert "You have a place" in page.locator("#booking-status").inner_text()
    tab_to(page, 'a[href$="/cancel/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/cancel/")
    tab_to(page, "form[action$='/cancel/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/booking/cancelled/**")
    assert page.locator("h1").inner_text() == "Your booking is cancelled"
    assert Booking.objects.get().status == "cancelled"


def test_whole_sign_up_journey_without_javascript(page_without_js):
    page = page_without_js
    session = a_session(capacity=1)

    page.goto(f"/sessions/{session.pk}/")
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.get_by_label("The name you want to be called").fill("Sam")
    page.get_by_label("Email address").first.fill("sam@example.org")
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.wait_for_url("**/signed-up/**")
    assert page.locator("h1").inner_text() == "You have a place"

    # The session is now full, so the next person joins the waiting list.
    page.goto(f"/sessions/{session.pk}/")
    page.get_by_role("button", name="Join the waiting list").click()
    page.get_by_label("The name you want to be called").fill("Ruth")
    page.get_by_label("Email address").first.fill("ruth@example.org")
    page.get_by_label("Large print materials").check()
    page.get_by_role("button", name="Join the waiting list").click()
    # Needs without consent: the form asks, keeping everything typed.
    assert page.title().startswith("Error: ")
    assert page.locator("#id_access_consent-error").is_visible()
    assert page.get_by_label("The name you want to be called").input_value() == "Ruth"
    assert page.get_by_label("Large print materials").is_checked()
    page.get_by_label(re.compile("I agree to Roundtable storing")).check()
    page.get_by_role("button", name="Join the waiting list").click()
    page.wait_for_url("**/signed-up/**")
    assert page.locator("h1").inner_text() == "You are number 1 on the waiting list"

    page.goto(manage_path())
    page.get_by_label("Anything else that would help").fill("Size 18 please")
    page.get_by_role("button", name="Save access needs").click()
    assert "We have saved your answers about access needs." in page.content()
    page.get_by_role("button", name="Cancel my booking").click()
    page.get_by_role("button", name="Yes, cancel my booking").click()
    assert page.locator("h1").inner_text() == "Your booking is cancelled"


def check_page(page, axe) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    axe(page)
    page.set_viewport_size({"width": 320, "height": 800})
    axe(page)
    fits_320(page)
    assert page.locator("h1").count() == 1


def test_every_page_of_the_journey_passes_axe_at_full_width_and_at_320px(page, axe):
    session = a_session()
    make_session(title="A full session", capacity=0, days_ahead=20)

    for url in ("/", "/sessions/past/", f"/sessions/{session.pk}/", f"/sessions/{session.pk}/sign-up/"):
        page.goto(url)
        check_page(page, axe)

    # The form showing errors (every kind: missing, malformed, too long, consent).
    page.goto(f"/sessions/{session.pk}/sign-up/")
    page.get_by_label("Email address").first.fill("not-an-email")
    page.get_by_label("Phone number").fill("call me")
    page.get_by_label("A hearing loop").check()
    page.get_by_role("button", name="Sign up", exact=True).click()
    assert page.locator(".govuk-error-summary li").count() == 4
    check_page(page, axe)

    page.get_by_label("The name you want to be called").fill("Ruth")
    page.get_by_label("Email address").first.fill("ruth@example.org")
    page.get_by_label("Phone number").fill("")
    page.get_by_label(re.compile("I agree to Roundtable storing")).check()
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.wait_for_url("**/signed-up/**")
    check_page(page, axe)

    manage = manage_path()
    page.goto(manage)
    check_page(page, axe)
    page.get_by_label(re.compile("I agree to Roundtable storing")).uncheck()
    page.get_by_role("button", name="Save access needs").click()
    assert page.title().startswith("Error: ")
    check_page(page, axe)

    page.goto(manage + "cancel/")
    check_page(page, axe)
    page.get_by_role("button", name="Yes, cancel my booking").click()
    page.wait_for_url("**/booking/cancelled/**")
    check_page(page, axe)

    page.goto(manage)  # the link stops working, and says why
    check_page(page, axe)
