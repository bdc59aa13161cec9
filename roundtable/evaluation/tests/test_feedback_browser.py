"""The feedback form in real Chromium: no WCAG 2.2 AA problems for axe-core (also with errors and at
320px), sent by keyboard alone and without JavaScript; and the team's evaluation pages under axe."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from roundtable.accounts.testing import sign_in_browser
from roundtable.bookings.models import AccessArrangement, Booking
from roundtable.cocreation.testing import make_session
from roundtable.evaluation.models import (
    Aim,
    Evidence,
    FeedbackLink,
    FeedbackRequest,
    FeedbackResponse,
    Indicator,
    IndicatorValue,
    SignificantChangeStory,
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
        answer.feeling,
    ) == (5, 4, 5, 3, 4)
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


def test_evaluation_pages_for_the_team_have_no_axe_violations(page, axe, live_server, coordinator):
    session = make_session(days_ahead=-5, title="Evidence in the broadest sense")
    FeedbackResponse.objects.create(
        session=session,
        voice_heard=4,
        feeling=3,
        access_met="no",
        access_comment="No ramp",
        went_well="Clay",
        submitted_on=timezone.localdate(),
    )
    FeedbackResponse.objects.create(session=session, source="paper", voice_heard=2, submitted_on=timezone.localdate())
    AccessArrangement.objects.create(session=session, need="step_free", status="cant", note="No ramp available")
    aim = Aim.objects.create(title="Everyone's voice counts", success_looks_like="People say they were heard")
    recorded = Indicator.objects.create(aim=aim, title="Pilot projects funded", kind="recorded", unit="projects")
    IndicatorValue.objects.create(indicator=recorded, value=4, recorded_on=date(2026, 3, 1), source="Panel")
    Indicator.objects.create(aim=aim, title="Voice heard", kind="computed", metric="cube_voice_heard")
    evidence = Evidence.objects.create(
        source="story", title="Heard", body="I was heard", level="individual", kind="story"
    )
    evidence.aims.add(aim)
    SignificantChangeStory.objects.create(
        title="Consent form",
        story="We rewrote it",
        domain="Research",
        selected_by="Steering group",
        selected_why="It changed practice",
    )
    sign_in_browser(page, live_server, coordinator)

    for url in [
        "/evaluation/feedback/",
        f"/evaluation/feedback/sessions/{session.pk}/",
        "/evaluation/aims/",
        f"/evaluation/aims/{aim.pk}/",
        f"/evaluation/indicators/{recorded.pk}/",
        "/evaluation/evidence/",
        "/evaluation/stories/",
    ]:
        page.set_viewport_size({"width": 1024, "height": 800})
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        axe(page)
        page.set_viewport_size({"width": 320, "height": 800})
        fits_320(page)

    # Forms, showing their errors.
    page.set_viewport_size({"width": 1024, "height": 800})
    for url in [
        f"/evaluation/feedback/sessions/{session.pk}/paper/",
        "/evaluation/aims/add/",
        f"/evaluation/aims/{aim.pk}/indicators/add/",
        f"/evaluation/indicators/{recorded.pk}/values/add/",
        "/evaluation/evidence/add/story/",
        "/evaluation/evidence/add/document/",
        "/evaluation/stories/add/",
    ]:
        page.goto(url)
        axe(page)
        page.locator("main form[method=post] button[type=submit]").first.click()
        page.wait_for_selector(".govuk-error-summary")
        assert page.title().startswith("Error: "), url
        axe(page)
