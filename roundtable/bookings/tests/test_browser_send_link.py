""" "Send my link again" in real Chromium: reached from the session page by keyboard alone, a
mistake shown next to the field, the same answer for a booked and an unknown address, working
without JavaScript, and clean under axe-core at full width and at 320px."""

import pytest
from django.core import mail

from roundtable.bookings.testing import signup
from roundtable.bookings.tests.test_browser_signup import a_session, check_page, fits_320, tab_to
from roundtable.core.testing import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENT = "If that address has a booking for this session, we have emailed its link."


def test_send_my_link_again_by_keyboard_with_axe_at_full_width_and_320px(page, axe):
    session = a_session()
    signup(session, 1, email="ruth@example.org", name="Ruth")
    run_tasks()
    mail.outbox.clear()

    page.goto(f"/sessions/{session.pk}/")
    tab_to(page, f'a[href="/sessions/{session.pk}/send-my-link/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/send-my-link/")
    assert page.locator("h1").inner_text() == "Send my link again"
    check_page(page, axe)
    fits_320(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # A mistake first: the error summary links to the field, and the message sits by it.
    tab_to(page, "#id_email")
    page.keyboard.type("not an address")
    tab_to(page, "form[action$='/send-my-link/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert "Enter an email address in the correct format" in page.locator("#id_email-error").inner_text()
    check_page(page, axe)
    page.set_viewport_size({"width": 1280, "height": 900})
    tab_to(page, '.govuk-error-summary a[href="#id_email"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_email"

    page.keyboard.press("Control+A")
    page.keyboard.type("Ruth@Example.org")
    page.keyboard.press("Enter")
    page.wait_for_url("**/send-my-link/sent/")
    assert SENT in page.locator("main").inner_text()
    booked_answer = page.locator("main").inner_text()
    check_page(page, axe)
    fits_320(page)
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ruth@example.org"]]
    assert "/booking/" in mail.outbox[0].body

    # An address with no booking gets exactly the same page, and no email goes anywhere.
    page.goto(f"/sessions/{session.pk}/send-my-link/")
    page.fill("#id_email", "nobody@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url("**/send-my-link/sent/")
    assert page.locator("main").inner_text() == booked_answer
    run_tasks()
    assert len(mail.outbox) == 1


def test_send_my_link_again_works_without_javascript(page_without_js):
    page = page_without_js
    session = a_session()
    signup(session, 1, email="ruth@example.org", name="Ruth")
    run_tasks()
    mail.outbox.clear()

    page.goto(f"/sessions/{session.pk}/send-my-link/")
    page.fill("#id_email", "ruth@example.org")
    page.click("form[action$='/send-my-link/'] button[type=submit]")
    page.wait_for_url("**/send-my-link/sent/")
    assert SENT in page.locator("main").inner_text()
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ruth@example.org"]]


def test_the_confirmation_page_offers_it(page, axe):
    session = a_session()
    page.goto(f"/sessions/{session.pk}/sign-up/")
    page.fill("#id_name", "Ruth")
    page.fill("#id_email", "ruth@example.org")
    page.click("form[action$='/sign-up/'] button[type=submit]")
    page.wait_for_url("**/signed-up/**")
    page.click(f'a[href="/sessions/{session.pk}/send-my-link/"]')
    page.wait_for_url("**/send-my-link/")
    axe(page)
