"""Records in a real browser (Chromium): axe-core finds no WCAG 2.2 AA problems on the gallery,
"you said, we did" and the story-so-far presentation, and the presentation and gallery work from
the keyboard. (The team's record forms: roundtable/workspace/tests/test_records_browser.py.)"""

from __future__ import annotations

import pytest

from roundtable.cocreation.testing import make_session
from roundtable.records.tests.factories import (
    add_action,
    add_decision,
    add_image,
    add_text,
    attend,
    past_session,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_story(coordinator):
    """A past session with outputs, a decision and its actions, and the next session (the team's
    record forms use it too, in roundtable/workspace/tests/test_records_browser.py)."""
    session = past_session(title="Clay and conversation", days_ago=30)
    attend(session, perspectives=["carer"])
    attend(session, perspectives=["lived_experience", "researcher"])
    first = add_image(
        session, coordinator, caption="Clay figures", alt_text="Three clay figures in a row", credit="Amara"
    )
    second = add_text(
        session, coordinator, caption="What it meant", body="I was not the subject; I was the researcher."
    )
    third = add_image(session, coordinator, caption="Sticky notes", alt_text="Sticky notes on a wall")
    add_image(session, coordinator, caption="Faces", consent="private")
    decision = add_decision(
        session,
        coordinator,
        title="Breaks every hour",
        question="How do we pace sessions?",
        options="Hourly\nTwice a session",
        method="dot_voting",
        votes=[{"option": "Hourly", "count": 12}],
        took_part={"carer": 3, "researcher": 2},
    )
    add_action(
        decision, coordinator, title="Change the agenda template", status="done", outcome="Every agenda has them"
    )
    add_action(decision, coordinator, title="Pay for travel time", status="not_doing")
    add_action(decision, coordinator, title="Ask venues for quiet rooms", status="in_progress")
    upcoming = make_session(
        programme=session.programme,
        title="Designing the welcome pack",
        goals="Agree what goes in the pack\nDraft the first page",
    )
    return {"session": session, "upcoming": upcoming, "outputs": [first, second, third], "decision": decision}


@pytest.fixture
def story(coordinator):
    return make_story(coordinator)


def test_gallery_has_no_axe_violations_and_moves_by_keyboard(page, axe, story):
    session = story["session"]
    page.goto(f"/sessions/{session.pk}/what-happened/")
    assert page.locator("h1").inner_text() == "What happened at “Clay and conversation”"
    assert page.locator(".rt-gallery__item").count() == 3  # the private one is not there
    page.wait_for_function("() => document.querySelector('.rt-gallery__image').naturalWidth > 0")
    axe(page)

    links = page.locator("[data-rt-gallery-link]")
    links.first.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.textContent") == "What it meant"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/what-happened/{story['outputs'][1].pk}/")
    assert page.locator("h1").inner_text() == "What it meant"
    axe(page)

    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"**/what-happened/{story['outputs'][2].pk}/")
    assert page.locator("h1").inner_text() == "Sticky notes"
    page.wait_for_function("() => document.querySelector('.rt-output__image').naturalWidth > 0")
    axe(page)
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"**/what-happened/{story['outputs'][1].pk}/")


def test_gallery_fits_320px(page, axe, story):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/sessions/{story['session'].pk}/what-happened/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    axe(page)


def test_gallery_works_without_javascript(page_without_js, story):
    page = page_without_js
    page.goto(f"/sessions/{story['session'].pk}/what-happened/")
    page.get_by_role("link", name="Clay figures").click()
    page.locator('a[rel="next"]').click()
    assert page.locator("h1").inner_text() == "What it meant"


def test_you_said_we_did_has_no_axe_violations(page, axe, story):
    slug = story["session"].programme.slug
    page.goto(f"/programmes/{slug}/you-said-we-did/")
    assert page.locator("h1").inner_text() == "You said, we did"
    assert page.get_by_text("Every agenda has them").is_visible()
    axe(page)

    page.get_by_role("link", name="Not doing").click()
    page.wait_for_url("**status=not_doing")
    assert page.get_by_text("Pay for travel time").is_visible()
    assert page.get_by_text("Change the agenda template").count() == 0
    axe(page)

    page.goto(f"/programmes/{slug}/")
    axe(page)


def test_story_so_far_presentation_moves_with_arrow_keys_and_buttons(page, axe, story):
    page.goto(f"/sessions/{story['upcoming'].pk}/story-so-far/present/")
    status = page.locator("[data-rt-slide-status]")
    visible = page.locator("[data-rt-slide]:not([hidden])")
    page.wait_for_function("() => document.querySelector('[data-rt-slides]').classList.contains('rt-slides--js')")
    assert visible.count() == 1
    assert status.inner_text().startswith("Slide 1 of 6")
    axe(page)

    page.keyboard.press("ArrowRight")
    assert status.inner_text() == "Slide 2 of 6: Where we have been"
    page.keyboard.press("ArrowRight")
    assert visible.locator("h2").inner_text() == "Breaks every hour"
    assert page.evaluate("document.activeElement.id") == "slide-3-title"
    assert page.url.endswith("#slide-3")
    axe(page)

    page.keyboard.press("ArrowLeft")
    assert status.inner_text().startswith("Slide 2 of 6")
    page.keyboard.press("End")
    assert visible.locator("h2").inner_text() == "Today: Designing the welcome pack"
    assert page.get_by_role("button", name="Next slide").is_disabled()
    page.get_by_role("button", name="Previous slide").click()
    assert status.inner_text().startswith("Slide 5 of 6")
    page.wait_for_function("() => document.querySelector('[data-rt-slide]:not([hidden]) img').naturalWidth > 0")
    axe(page)

    # Reloading keeps the place; Tab reaches the buttons.
    page.reload()
    page.wait_for_function("() => document.querySelector('[data-rt-slides]').classList.contains('rt-slides--js')")
    assert status.inner_text().startswith("Slide 5 of 6")
    page.keyboard.press("Home")
    assert status.inner_text().startswith("Slide 1 of 6")


def test_story_so_far_presentation_without_javascript_is_one_page_with_links(page_without_js, story):
    page = page_without_js
    page.goto(f"/sessions/{story['upcoming'].pk}/story-so-far/present/")
    assert page.locator("[data-rt-slide]").count() == 6
    assert page.locator("[data-rt-slide]:not([hidden])").count() == 6
    assert not page.get_by_role("button", name="Next slide").is_visible()  # the controls need JavaScript
    page.locator('#slide-1 a[rel="next"]').click()
    assert page.url.endswith("#slide-2")


def test_story_so_far_presentation_without_its_script_has_no_axe_violations(page, axe, story):
    # axe needs JavaScript to run, so the no-script layout is checked with only the module blocked.
    page.route("**/records/slides.mjs", lambda route: route.abort())
    page.goto(f"/sessions/{story['upcoming'].pk}/story-so-far/present/")
    assert page.locator("[data-rt-slide]:not([hidden])").count() == 6
    axe(page)


def test_story_so_far_page_has_no_axe_violations(page, axe, story):
    page.goto(f"/sessions/{story['upcoming'].pk}/story-so-far/")
    assert page.locator("h1").inner_text() == "The story so far"
    axe(page)
