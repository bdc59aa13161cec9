"""The payments finance pages in a real browser with axe-core (WCAG 2.2 AA), at 1280 and 360 px:
the budget, a payment's page (change the fee, pay a no-show anyway), the overdue list on the home
page and the export page; changing a fee by keyboard with JavaScript off."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from roundtable.accounts.testing import make_coordinator, sign_in_browser
from roundtable.bookings.models import Booking
from roundtable.bookings.services import booking_mark_attendance
from roundtable.cocreation.testing import make_programme, make_session
from roundtable.payments import services
from roundtable.payments.models import Payment
from roundtable.payments.services import ChoiceAnswer
from roundtable.payments.testing import make_offer
from roundtable.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-payfinance")  # noqa: S108 (screenshots to look at, not a secret)


@pytest.fixture
def world():
    creator = make_coordinator("creator@example.org")
    other = make_coordinator("other@example.org", name="Ola Adeyemi")
    programme = make_programme(name="Healthy homes")
    session = make_session(days_ahead=-40, title="Damp and mould: what we want to know", programme=programme)
    make_offer(session, actor=creator, quantity="7")
    fees = {}
    for name, came in (("Priya Shah", True), ("Tom Rees", False)):
        person = Person.objects.create(name=name, email=f"{name.split()[0].lower()}@example.org")
        booking = Booking.objects.create(session=session, person=person, status=Booking.Status.CONFIRMED)
        fee = services.fee_for_booking(booking)
        services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
        booking_mark_attendance(booking_id=booking.pk, attended=came, actor=creator)
        fees[name] = fee
    Payment.objects.create(person=fees["Priya Shah"].person, session=session, kind="expense", expense_kind="travel",
                           offered_pence=1240, amount_pence=1240, status="paid")  # fmt: skip
    return {"other": other, "session": session, "due": fees["Priya Shah"], "no_show": fees["Tom Rees"]}


def _pages(world):
    return [
        ("budget", reverse("payments:budget")),
        ("session", reverse("payments:session", args=[world["session"].pk])),
        ("due-fee", reverse("payments:detail", args=[world["due"].pk])),
        ("no-show", reverse("payments:detail", args=[world["no_show"].pk])),
        ("home", reverse("coordinator:home")),
        ("export", reverse("payments:export")),
    ]


@pytest.mark.parametrize("width", [1280, 360])
def test_the_finance_pages_pass_axe_and_fit_the_screen(browser, live_server, world, axe, width):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in_browser(context, live_server, world["other"])
        for name, url in _pages(world):
            page.goto(url)
            axe(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.goto(reverse("coordinator:home"))
        expect(page.locator("#overdue-payments-title")).to_be_visible()
        expect(page.locator("section[aria-labelledby=overdue-payments-title]")).to_contain_text("Priya Shah")
    finally:
        context.close()


def test_changing_a_fee_by_keyboard_without_javascript(browser, live_server, world):
    # No axe and no expect() here: both run script in the page, which this context turns off.
    # axe runs on these pages, errors included, in the test above and the one below.
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in_browser(context, live_server, world["other"])
        page.goto(reverse("payments:detail", args=[world["due"].pk]))
        page.get_by_label("How many hours").focus()
        page.keyboard.type("3.5")
        page.keyboard.press("Tab")
        page.keyboard.type("Came for the morning")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Change the fee"
        with page.expect_navigation(timeout=15000):
            page.keyboard.press("Enter")
        summary = page.locator(".govuk-summary-list").inner_text(timeout=5000)
        assert "£96.25" in summary and "Came for the morning" in summary
        # A no-show with no reason: the message is by the field, then paid anyway.
        page.goto(reverse("payments:detail", args=[world["no_show"].pk]))
        with page.expect_navigation(timeout=15000):
            page.get_by_role("button", name="Make the fee due").press("Enter")
        assert "Say why" in page.locator("#id_anyway-reason-error").inner_text(timeout=5000)
        page.get_by_label("Why we pay it anyway").fill("Cancelled on the day, we pay anyway")
        with page.expect_navigation(timeout=15000):
            page.get_by_role("button", name="Make the fee due").press("Enter")
        assert "Due" in page.locator(".govuk-summary-list").inner_text(timeout=5000)
        assert Payment.objects.get(pk=world["no_show"].pk).status == "due"
    finally:
        context.close()


def test_the_fee_forms_errors_pass_axe(browser, live_server, world, axe):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in_browser(context, live_server, world["other"])
        page.goto(reverse("payments:detail", args=[world["no_show"].pk]))
        page.get_by_role("button", name="Make the fee due").click()
        expect(page.locator("#id_anyway-reason-error")).to_contain_text("Say why")
        axe(page)
        page.screenshot(path=str(SHOTS / "no-show-error-360.png"), full_page=True)
        page.goto(reverse("payments:detail", args=[world["due"].pk]))
        page.get_by_label("How many hours").fill("lots")
        page.get_by_label("Why it is changing").fill("Came late")
        page.get_by_role("button", name="Change the fee").click()
        expect(page.locator("#id_hours-hours-error")).to_contain_text("Enter a number")
        axe(page)
        page.screenshot(path=str(SHOTS / "change-fee-error-360.png"), full_page=True)
    finally:
        context.close()
