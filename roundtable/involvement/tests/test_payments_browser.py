"""Payments in real Chromium: a contributor on a 360 px phone, keyboard only and without
JavaScript, accepts the offer and claims an expense with a photo of the receipt; the Payments
pages are clean under axe-core at 360 and 1280 px; then another coordinator approves what is due
and downloads the finance export. Screenshots go to PAYMENTS_SHOTS when it is set."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone

from roundtable.accounts.testing import make_coordinator, sign_in_browser
from roundtable.bookings.models import Booking, ManageLink
from roundtable.bookings.services import booking_mark_attendance
from roundtable.bookings.tests.test_browser_signup import tab_to
from roundtable.cocreation.testing import make_session
from roundtable.involvement.models import PersonLink
from roundtable.payments.models import Payment
from roundtable.payments.testing import make_offer
from roundtable.people.models import Person
from roundtable.records.tests.factories import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("PAYMENTS_SHOTS", "")
PHONE = {"width": 360, "height": 800}


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{page.viewport_size['width']}.png", full_page=True)


def _check(page, axe, name: str) -> None:
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        _shot(page, name)
        axe(page)
        assert page.locator("h1").count() == 1


def _world():
    creator = make_coordinator("creator@example.org", name="Cai")
    approver = make_coordinator("approver@example.org", name="Ola")
    session = make_session(title="Planning the garden", days_ahead=-2)
    person = Person.objects.create(name="Priya Shah", email="priya@example.org")
    booking = Booking.objects.create(session=session, person=person, status=Booking.Status.CONFIRMED)
    make_offer(session, actor=creator, quantity="3")  # everyone with a place is offered £82.50
    upcoming = make_session(title="Tasting the harvest", days_ahead=20)
    next_booking = Booking.objects.create(session=upcoming, person=person, status=Booking.Status.CONFIRMED)
    return {
        "creator": creator,
        "approver": approver,
        "session": session,
        "booking": booking,
        "person": person,
        "upcoming": upcoming,
        "next_booking": next_booking,
    }


def test_a_contributor_claims_on_a_phone_and_a_coordinator_approves_and_exports(browser, live_server, axe, tmp_path):
    world = _world()
    token = PersonLink.mint(person=world["person"])
    fee = Payment.objects.get(kind="fee")
    receipt = tmp_path / "bus-ticket.jpg"
    receipt.write_bytes(image_bytes())

    # The contributor: 360 px, no JavaScript, keyboard only.
    phone = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        page = phone.new_page()
        page.set_default_timeout(15000)
        page.goto(f"/you/{token}/payments/")
        assert "We pay people for their time" in page.locator("main").inner_text()
        tab_to(page, f"#id_p{fee.pk}-choice_0")
        page.keyboard.press("Space")
        assert page.is_checked(f"#id_p{fee.pk}-choice_0")
        tab_to(page, f"form[action$='/payments/{fee.pk}/'] button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/payments/?saved=1")
        assert "Accept the payment" in page.locator("main").inner_text()

        tab_to(page, f"a[href$='/booking/{world['booking'].pk}/claim/']")
        page.keyboard.press("Enter")
        page.wait_for_url("**/claim/")
        # First a mistake: no amount and no receipt, told by the fields.
        tab_to(page, "#id_expense_kind_0")
        page.keyboard.press("Space")
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_selector(".govuk-error-summary")
        assert page.title().startswith("Error: ")
        assert "Enter how much it cost" in page.locator("#id_amount-error").inner_text()
        tab_to(page, "#id_amount")
        page.keyboard.type("4.50")
        tab_to(page, "#id_description")
        page.keyboard.type("Bus there and back")
        page.set_input_files("#id_receipt", str(receipt))
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/payments/?saved=claim")
        main = page.locator("main").inner_text()
        assert "Expense: travel" in main and "£4.50" in main and "Waiting for the session" in main
        assert "Bus there and back" in main
        # For the next session, the centre books the train instead.
        tab_to(page, f"#id_t{world['next_booking'].pk}-details")
        page.keyboard.type("From Hull, by train")
        page.keyboard.press("Enter")
        page.wait_for_url("**/payments/?saved=travel")
        assert "You asked us to book your travel (From Hull, by train)" in page.locator("main").inner_text()
    finally:
        phone.close()
    claim = Payment.objects.get(kind="expense")
    assert claim.receipt and claim.receipt_type == "image/jpeg"

    # The same pages with JavaScript, under axe at 1280 and 360 px (and the booking's own page).
    checked = browser.new_context(base_url=live_server.url)
    try:
        page = checked.new_page()
        page.set_default_timeout(15000)
        page.goto(f"/you/{token}/payments/")
        _check(page, axe, "payments")
        page.goto(f"/you/{token}/payments/booking/{world['booking'].pk}/claim/")
        _check(page, axe, "claim")
        page.click("main form button[type=submit]")
        page.wait_for_selector(".govuk-error-summary")
        _check(page, axe, "claim-error")
        page.goto(f"/booking/{ManageLink.mint(booking=world['booking'])}/")
        assert "We pay £82.50 for this session" in page.locator("main").inner_text()
        _check(page, axe, "booking-offer")
    finally:
        checked.close()

    # They came; another coordinator approves the fee and downloads the finance export.
    booking_mark_attendance(booking_id=world["booking"].pk, attended=True, actor=world["creator"])
    assert set(Payment.objects.values_list("status", flat=True)) == {"due"}
    team = browser.new_context(base_url=live_server.url, accept_downloads=True)
    try:
        sign_in_browser(team, live_server, world["approver"])
        page = team.new_page()
        page.set_default_timeout(15000)
        page.goto(f"/coordinator/payments/{claim.pk}/")
        main = page.locator("main").inner_text()
        assert "Bus there and back" in main and "Open the receipt (photo)" in main
        _check(page, axe, "team-claim")
        page.goto(f"/coordinator/payments/{fee.pk}/")
        page.click("text=Approve this payment")
        page.wait_for_selector("text=Payment approved.")
        assert Payment.objects.get(pk=fee.pk).status == "approved"
        page.goto(f"/coordinator/sessions/{world['upcoming'].pk}/payments/")
        assert "Priya Shah: From Hull, by train" in page.locator("main").inner_text()
        page.goto(f"/coordinator/sessions/{world['session'].pk}/payments/")
        _check(page, axe, "team-session")
        page.goto("/coordinator/payments/export/")
        today = timezone.localdate()
        page.fill("#id_start", f"{today.replace(day=1) - timezone.timedelta(days=40):%d/%m/%Y}")
        page.fill("#id_end", f"{today:%d/%m/%Y}")
        with page.expect_download() as download:
            page.click("main form button[type=submit]")
        saved = tmp_path / "payments.csv"
        download.value.save_as(saved)
        rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
        assert ["Priya Shah", "Time", "Planning the garden"] == rows[1][:3]
        assert rows[1][5:7] == ["approved", "82.50"]
        assert rows[-1][0] == "Total" and rows[-1][6] == "82.50"
    finally:
        team.close()
