"""Your involvement in real Chromium: every page by keyboard alone, clean under axe-core at 1280
and 360 px (and 320 px without sideways scrolling), and the whole journey without JavaScript.
Screenshots at 1280 and 360 px go to INVOLVEMENT_SHOTS when it is set, to be looked at."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from roundtable.bookings.models import AccessNeeds, Booking
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.bookings.tests.test_browser_signup import a_session, tab_to
from roundtable.cocreation.testing import make_session
from roundtable.core.testing import check_page, run_tasks
from roundtable.people.models import Person
from roundtable.records.models import Action, ActionStatus, Decision, Method

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^/\s]+(/you/[^/\s]+/)")
SHOTS = os.environ.get("INVOLVEMENT_SHOTS", "")


def _check(page, axe, name: str) -> None:
    check_page(page, axe, name, shots=SHOTS)


def _a_participant() -> None:
    session = a_session()
    signup(
        session,
        1,
        email="ruth@example.org",
        name="Ruth",
        access_needs=AccessNeedsAnswer(needs=["step_free"], consent=True, keep_on_file=True),
        wants_updates=True,
    )
    full = make_session(title="A popular one", capacity=1, days_ahead=30)
    signup(full, 2)
    signup(full, 1, email="ruth@example.org", name="Ruth")
    person = Person.objects.get(email="ruth@example.org")
    past = make_session(title="Planning the spring", days_ahead=-20)
    Booking.objects.create(session=past, person=person, status=Booking.Status.ATTENDED)
    decision = Decision.objects.create(session=past, title="Hold sessions in the evening", method=Method.CONSENSUS)
    Action.objects.create(decision=decision, title="Book the library after 6pm", status=ActionStatus.DONE)
    Action.objects.create(decision=decision, title="Ask about a later bus", status=ActionStatus.IN_PROGRESS)
    run_tasks()
    mail.outbox.clear()


def _link_from_email() -> str:
    run_tasks()
    match = LINK.search(str(mail.outbox[-1].body))
    assert match is not None, mail.outbox[-1].body
    return match.group(1)


def test_your_involvement_by_keyboard_with_axe_at_1280_and_360(page, axe):
    _a_participant()

    # From any page's footer to "get my link", with a mistake first.
    page.goto("/")
    tab_to(page, 'a[href="/you/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/you/")
    _check(page, axe, "get-link")
    tab_to(page, "#id_email")
    page.keyboard.type("not an address")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert "correct format" in page.locator("#id_email-error").inner_text()
    _check(page, axe, "get-link-error")
    tab_to(page, "#id_email")
    page.keyboard.press("Control+A")
    page.keyboard.type("Ruth@Example.org")
    page.keyboard.press("Enter")
    page.wait_for_url("**/you/sent/")
    known = page.locator("main").inner_text()
    _check(page, axe, "link-sent")
    home = _link_from_email()

    # An unknown address gets the same page, and no email.
    page.goto("/you/")
    page.fill("#id_email", "nobody@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url("**/you/sent/")
    assert page.locator("main").inner_text() == known
    run_tasks()
    assert len(mail.outbox) == 1

    # The page itself.
    page.goto(home)
    main = page.locator("main").inner_text()
    assert "Building the Centre together" in main
    assert "You are number 1 on the waiting list" in main
    assert "We decided: Hold sessions in the evening" in main and "Book the library after 6pm" in main
    _check(page, axe, "home")
    tab_to(page, "#upcoming button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/booking/**")
    assert page.locator("h1").inner_text() == "Building the Centre together"

    # Details: a mistake shown by the field, then saved.
    page.goto(home)
    tab_to(page, 'nav a[href$="/details/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/details/")
    _check(page, axe, "details")
    tab_to(page, "#id_name")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert "Enter the name you want to be called" in page.locator("#id_name-error").inner_text()
    _check(page, axe, "details-error")
    tab_to(page, "#id_name")
    page.keyboard.type("Ruth B")
    tab_to(page, "#id_pronouns")
    page.keyboard.type("she/her")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner--success")
    _check(page, axe, "details-saved")
    assert Person.objects.get(email="ruth@example.org").pronouns == "she/her"

    # Dietary needs and the access needs kept on file, by keyboard: a mistake, then saved.
    assert page.locator("#id_access_needs_0").is_checked()  # step-free, kept on file
    tab_to(page, "#id_dietary_kinds_7")  # Other, with no details
    page.keyboard.press("Space")
    tab_to(page, "#id_access_needs_2")  # a hearing loop
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert "Tell us what your other dietary need is" in page.locator("#id_dietary_needs-error").inner_text()
    assert page.locator("#id_access_needs_2").is_checked()  # what they ticked is still there
    _check(page, axe, "details-needs-error")
    tab_to(page, "#id_dietary_needs")
    page.keyboard.type("No mushrooms")
    tab_to(page, "form[action$='/details/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner--success")
    ruth = Booking.objects.filter(person__email="ruth@example.org", access_needs__keep_on_file=True).get()
    assert ruth.dietary_needs == "No mushrooms"
    assert ruth.access_needs.needs == ["step_free", "hearing_loop"]

    # Consents: withdraw health data, and the access needs go.
    tab_to(page, 'nav a[href$="/consents/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/consents/")
    assert "I agree to Roundtable storing" in page.locator("main").inner_text()
    _check(page, axe, "consents")
    tab_to(page, "form[action$='/consents/health_data/withdraw/'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner--success")
    assert not AccessNeeds.objects.filter(booking__person__email="ruth@example.org").exists()
    _check(page, axe, "consents-withdrawn")

    # Forget me: what goes and what stays, then done.
    tab_to(page, 'nav a[href$="/forget-me/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/forget-me/")
    _check(page, axe, "forget-me")
    tab_to(page, "form[action$='/forget-me/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/you/forgotten/")
    _check(page, axe, "forgotten")
    assert [m.to for m in mail.outbox if "removed your details" in m.subject] == [["ruth@example.org"]]
    page.goto(home)
    assert page.locator("h1").inner_text() == "This link no longer works"
    _check(page, axe, "link-not-working")


def test_your_involvement_works_without_javascript(page_without_js):
    page = page_without_js
    _a_participant()
    page.goto("/you/")
    page.fill("#id_email", "ruth@example.org")
    page.click("form[action='/you/'] button[type=submit]")
    page.wait_for_url("**/you/sent/")
    home = _link_from_email()
    page.goto(home + "details/")
    page.fill("#id_name", "Ruth B")
    page.check("#id_dietary_kinds_1")  # vegan
    page.check("#id_access_prefer_not_to_say")
    page.click("form[action$='/details/'] button[type=submit]")
    page.wait_for_selector(".govuk-notification-banner--success")
    kept = AccessNeeds.objects.get(booking__person__email="ruth@example.org", keep_on_file=True)
    assert (kept.needs, kept.prefer_not_to_say) == ([], True)
    assert Booking.objects.filter(person__email="ruth@example.org", dietary_kinds=["vegan"]).count() == 2
    page.goto(home + "consents/")
    page.click("form[action$='/consents/updates/withdraw/'] button")
    page.wait_for_selector(".govuk-notification-banner--success")
    assert not Person.objects.get(email="ruth@example.org").wants_updates
    page.goto(home + "forget-me/")
    page.click("form[action$='/forget-me/'] button[type=submit]")
    page.wait_for_url("**/you/forgotten/")
    assert not Person.objects.filter(email="ruth@example.org").exists()
