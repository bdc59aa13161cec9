"""The feedback form in real Chromium: no WCAG 2.2 AA problems for axe-core (also with errors and at
320px), sent by keyboard alone and without JavaScript. The team's evaluation pages under axe are
tested in roundtable/workspace/tests/test_evaluation_feedback_browser.py."""

from __future__ import annotations

import pytest
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_session
from roundtable.evaluation.models import (
    FeedbackLink,
    FeedbackRequest,
    FeedbackResponse,
)
from roundtable.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"Could not reach {selector} with the Tab key")


def fits_320(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at a 320px viewport"


@pytest.fixture
def link():
    session = make_session(days_ahead=-2, title="Radiating questions")
    person = Person.objects.create(name="Ruth", email="ruth@example.org")
    booking = Booking.objects.create(session=session, person=person, status="attended")
    request = FeedbackRequest.objects.create(booking=booking, session=session, sent_at=timezone.now())
    return f"/evaluation/feedback/give/{FeedbackLink.mint(request=request)}/", request


def test_feedback_form_has_no_axe_violations_with_or_without_errors(page, axe, link):
    url, _ = link
    page.goto(url)
    assert page.locator("h1").inner_text() == "How was the session?"
    axe(page)
    page.get_by_role("button", name="Send feedback").click()
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-message").count() == 6
    axe(page)
    # The summary links take you to the question.
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_voice_heard_0"

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    fits_320(page)
    axe(page)


def test_feedback_by_keyboard_alone(page, link):
    url, request = link
    page.goto(url)
    for name, steps in (
        ("voice_heard", 4),
        ("ways_to_contribute", 3),
        ("things_that_matter", 4),
        ("listened", 4),
        ("led_to_change", 2),
        ("feeling", 3),
    ):
        tab_to(page, f"#id_{name}_0")
        for _ in range(steps):
            page.keyboard.press("ArrowDown")
    tab_to(page, "#id_went_well")
    page.keyboard.type("Working with clay")
    tab_to(page, "#id_access_met_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_anonymous_0")
    page.keyboard.press("Space")
    tab_to(page, "button.govuk-button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/evaluation/feedback/thank-you/")
    assert page.locator("h1").inner_text() == "Thank you for your feedback"

    answer = FeedbackResponse.objects.get()
    assert (
        answer.voice_heard,
        answer.ways_to_contribute,
        answer.things_that_matter,
        answer.led_to_change,
        answer.listened,
        answer.feeling,
    ) == (5, 4, 5, 3, 5, 4)
    assert answer.went_well == "Working with clay" and answer.access_met == "yes"
    assert answer.anonymous and answer.person is None


def test_feedback_without_javascript(page_without_js, link):
    page = page_without_js
    url, request = link
    page.goto(url)
    page.get_by_role("button", name="Send feedback").click()
    assert page.title().startswith("Error: ")
    for name, value in (
        ("voice_heard", 4),
        ("ways_to_contribute", 4),
        ("things_that_matter", 5),
        ("listened", 4),
        ("led_to_change", 3),
        ("feeling", 5),
    ):
        page.locator(f"input[name={name}][value='{value}']").check()
    page.locator("input[name=access_met][value=partly]").check()
    page.locator("#id_access_comment").fill("The hearing loop was off")
    page.locator("input[name=anonymous][value=no]").check()
    page.get_by_role("button", name="Send feedback").click()
    assert page.locator("h1").inner_text() == "Thank you for your feedback"
    answer = FeedbackResponse.objects.get()
    assert answer.person == request.booking.person and answer.access_comment == "The hearing loop was off"
    page.goto(url)
    assert page.locator("h1").inner_text() == "You have already given your feedback"
