"""Benefit-safe mode in real Chromium: the settings page and the warning step by keyboard alone,
clean under axe-core (WCAG 2.2 AA) at 1280 and 360 px and without sideways scrolling at 320 px,
and the warning step with JavaScript turned off. Screenshots at 1280 and 360 px go to
PAYBENEFIT_SHOTS when it is set, to be looked at."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from django.utils import timezone

from roundtable.accounts.testing import PASSWORD, make_coordinator
from roundtable.bookings.testing import signup
from roundtable.bookings.tests.test_browser_signup import tab_to
from roundtable.cocreation.testing import make_session
from roundtable.core.testing import check_page
from roundtable.involvement.models import PersonLink
from roundtable.payments.benefits import ProfileAnswer, payment_profile_update
from roundtable.payments.models import Payment, PaymentProfile
from roundtable.payments.testing import make_offer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("PAYBENEFIT_SHOTS", "")


def _check(page, axe, name: str) -> None:
    check_page(page, axe, name, shots=SHOTS)


def _sign_in(page, email: str = "coordinator@example.org") -> None:
    page.goto("/accounts/sign-in/")
    page.locator("main").get_by_label("Email address").fill(email)
    page.locator("main").get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/coordinator/")


def _world(*, benefit_safe: bool = True) -> tuple[str, Payment]:
    """Ade has accepted £82.50 for Monday 11 January 2027 and is offered £82.50 for the Wednesday;
    their own limits are £100 a week and £500 a month."""
    coordinator = make_coordinator("coordinator@example.org")
    fees = []
    for day, title in ((11, "Planning the garden"), (13, "Choosing the questions")):
        session = make_session(title=title, starts_at=timezone.make_aware(datetime(2027, 1, day, 10, 0)))
        signup(session, name="Ade Bello", email="ade@example.org")
        make_offer(session, actor=coordinator, quantity="3")
        fees.append(Payment.objects.get(session=session))
    Payment.objects.filter(pk=fees[0].pk).update(status="accepted", choice="accept")
    person = fees[0].person
    if benefit_safe:
        payment_profile_update(
            person=person,
            answer=ProfileAnswer(benefit_safe=True, weekly_limit_pence=10000, monthly_limit_pence=50000),
        )
    return "/you/" + PersonLink.mint(person=person) + "/", fees[1]


def test_benefit_safe_settings_and_the_warning_step_by_keyboard_with_axe(page, axe):
    home, second = _world(benefit_safe=False)

    page.goto(home + "payments/")
    _check(page, axe, "payments")
    tab_to(page, 'a[href$="/payments/about-you/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/payments/about-you/")
    _check(page, axe, "benefit-settings")

    # A mistake first: shown in the summary and by the field.
    tab_to(page, "#id_benefit_safe_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_weekly_limit")
    page.keyboard.type("-5")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert "Enter an amount of £0 or more" in page.locator("#id_weekly_limit-error").inner_text()
    _check(page, axe, "benefit-settings-error")
    tab_to(page, "#id_weekly_limit")
    page.keyboard.press("Control+A")
    page.keyboard.type("100")
    tab_to(page, "#id_monthly_limit")
    page.keyboard.type("500")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/about-you/?saved=1")
    profile = PaymentProfile.objects.get()
    assert (profile.benefit_safe, profile.weekly_limit_pence, profile.monthly_limit_pence) == (True, 10000, 50000)

    # Accepting the Wednesday's £82.50 would make £165 in the week: the warning step.
    page.goto(home + "payments/")
    tab_to(page, f"#id_p{second.pk}-choice_0")
    page.keyboard.press("Space")
    tab_to(page, f'form[action$="/payments/{second.pk}/"] button[type=submit]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/payments/{second.pk}/check/**")
    main = page.locator("main").inner_text()
    assert "This payment would take you over your limit" in main and "£165.00" in main
    _check(page, axe, "warning")

    # "Accept it anyway" without the box ticked: an error by the box.
    tab_to(page, "#id_option_0")  # Tab enters a group of radios once; arrows move within it
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    assert page.is_checked("#id_option_4")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert "Tick to say you understand" in page.locator("#id_understood-error").inner_text()
    _check(page, axe, "warning-error")
    assert Payment.objects.get(pk=second.pk).status == "offered"

    # Take less: the amount is already filled in with what keeps Ade under.
    tab_to(page, "#id_option_4")
    page.keyboard.press("ArrowDown")  # wraps round to the first option
    assert page.is_checked("#id_option_0")
    assert page.input_value("#id_amount") == "17.50"
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/payments/?saved=1")
    fee = Payment.objects.get(pk=second.pk)
    assert (fee.choice, fee.amount_pence) == ("less", 1750)

    # The yearly statement's page: choose a tax year.
    page.goto(home + "payments/")
    tab_to(page, 'a[href$="/payments/statement/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/payments/statement/")
    _check(page, axe, "statement")


def test_the_warning_step_works_without_javascript(page_without_js):
    home, second = _world()
    page = page_without_js
    page.goto(home + "payments/")
    page.check(f"#id_p{second.pk}-choice_0")
    page.click(f'form[action$="/payments/{second.pk}/"] button[type=submit]')
    page.wait_for_url(f"**/payments/{second.pk}/check/**")
    assert page.input_value("#id_pay_after_0") == "18"  # the first Monday it fits
    page.check("#id_option_1")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/payments/?saved=1")
    assert "Pay it on or after" in page.locator("main").inner_text()
    fee = Payment.objects.get(pk=second.pk)
    assert fee.pay_after == date(2027, 1, 18) and fee.status == "accepted"

    # The statement page's form works without JavaScript too.
    page.goto(home + "payments/statement/")
    page.select_option("#id_year", "2026")
    with page.expect_download() as download:
        page.click("main form button[type=submit]")
    assert download.value.suggested_filename == "payments-statement-2026-2027.pdf"


def test_the_team_sees_the_route_pay_after_date_and_benefit_safe_mode_with_axe(page, axe):
    home, second = _world()
    Payment.objects.filter(pk=second.pk).update(
        status="accepted",
        choice="accept",
        route="non_payroll",
        route_reason="The usual way we pay people for their time.",
        pay_after=date(2027, 1, 18),
    )
    _sign_in(page)
    page.goto(f"/coordinator/payments/{second.pk}/")
    main = page.locator("main").inner_text()
    assert "Involvement payment (not through payroll)" in main
    assert "18 January 2027" in main and "£100.00 a week and £500.00 a month" in main
    _check(page, axe, "team-payment")
    page.goto(f"/coordinator/people/{second.person_id}/")
    _check(page, axe, "team-person")
