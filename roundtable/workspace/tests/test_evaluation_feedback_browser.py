"""The team's evaluation pages (feedback summaries, paper forms, the framework) in real Chromium:
no WCAG 2.2 AA problems for axe-core, also at 320px and with form errors."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from roundtable.accounts.testing import sign_in_browser
from roundtable.bookings.models import AccessArrangement
from roundtable.cocreation.testing import make_session
from roundtable.evaluation.models import (
    Aim,
    Evidence,
    FeedbackResponse,
    Indicator,
    IndicatorValue,
    SignificantChangeStory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_320(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at a 320px viewport"


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


def test_coordinators_can_preview_the_feedback_form_without_saving_anything(page, axe, live_server, coordinator):
    """A newcomer had no way to see the participant's form: it opens only from an emailed link."""
    session = make_session(days_ahead=-1, title="Planning the evaluation")
    sign_in_browser(page, live_server, coordinator)
    page.goto(f"/evaluation/feedback/sessions/{session.pk}/")
    page.get_by_role("link", name="Preview the form people are sent").click()
    assert page.locator("h1").inner_text() == "How was the session?"
    assert "nothing you send here is saved" in page.locator(".govuk-notification-banner").inner_text()
    axe(page)
    page.get_by_role("button", name="Send feedback").click()
    assert page.locator(".govuk-error-summary").is_visible()  # checked as a participant's would be
    axe(page)
    for name in ("voice_heard", "ways_to_contribute", "things_that_matter", "listened", "led_to_change"):
        page.locator(f"input[name={name}]").first.check()
    page.locator("input[name=anonymous]").first.check()
    page.get_by_role("button", name="Send feedback").click()
    assert "Nothing was saved" in page.locator(".govuk-notification-banner").inner_text()
    assert FeedbackResponse.objects.count() == 0
    page.set_viewport_size({"width": 320, "height": 640})
    fits_320(page)


@pytest.mark.parametrize("who", ["anonymous", "facilitator"])
def test_only_coordinators_can_preview_the_feedback_form(client, who):
    from roundtable.accounts.testing import make_facilitator

    session = make_session(days_ahead=-1)
    if who == "facilitator":
        client.force_login(make_facilitator())
    response = client.get(f"/evaluation/feedback/sessions/{session.pk}/preview/")
    assert response.status_code in (302, 403, 404)
    assert b"How was the session?" not in response.content
