"""Dietary needs in real Chromium: ticked by keyboard alone on the sign-up form, an error shown by
the field, and no axe-core problems, at full width and at 320px."""

import pytest

from roundtable.bookings.models import Booking
from roundtable.bookings.tests.test_browser_signup import a_session, fits_320, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "form[action$='/sign-up/'] button[type=submit]"


def test_signing_up_with_two_dietary_kinds_ticked_by_keyboard(page, axe):
    session = a_session()
    page.goto(f"/sessions/{session.pk}/sign-up/")
    axe(page)

    tab_to(page, "#id_name")
    page.keyboard.type("Ruth")
    tab_to(page, "#id_email")
    page.keyboard.type("ruth@example.org")
    tab_to(page, 'input[name=dietary_kinds][value="vegetarian"]')
    page.keyboard.press("Space")
    tab_to(page, 'input[name=dietary_kinds][value="other"]')
    page.keyboard.press("Space")
    # Other with no details: the error is by the details box, and the summary takes us there.
    tab_to(page, SUBMIT)
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert page.locator("#id_dietary_needs-error").inner_text().endswith("Tell us what your other dietary need is")
    assert page.is_checked('input[name=dietary_kinds][value="vegetarian"]')
    axe(page)
    tab_to(page, '.govuk-error-summary a[href="#id_dietary_needs"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_dietary_needs"
    page.keyboard.type("No mushrooms")
    tab_to(page, SUBMIT)
    page.keyboard.press("Enter")
    page.wait_for_url("**/signed-up/**")

    assert "Vegetarian, Other" in page.locator("#what-you-told-us").inner_text()
    booking = Booking.objects.get()
    assert (booking.dietary_kinds, booking.dietary_needs) == (["vegetarian", "other"], "No mushrooms")


def test_the_dietary_questions_fit_a_small_screen(page, axe):
    session = a_session()
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/sessions/{session.pk}/sign-up/")
    page.locator("#dietary_kinds-hint").scroll_into_view_if_needed()
    fits_320(page)
    axe(page)
