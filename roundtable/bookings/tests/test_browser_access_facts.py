"""On a phone, someone deciding whether to sign up sees the venue's key access facts beside the
Sign up button, in the first screen, not two screens further down."""

import pytest

from roundtable.cocreation.testing import add_agenda, make_programme, make_session, make_venue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}
KEY_FACTS = ["Step-free route", "Accessible toilet", "Hearing loop", "Quiet space"]


def test_key_access_facts_are_in_the_first_screen_next_to_sign_up_on_a_phone(page, axe):
    venue = make_venue(
        name="Upstairs Room at the Old Library",
        address="12 Long Street\nSouthwark\nLondon",
        step_free="no",
        step_free_note="Two flights of stairs and no lift",
        quiet_space="yes",
    )
    session = make_session(
        title="Building the Centre together: what should we research next?",
        summary="We look at what people told us last time and decide together which questions matter most.",
        programme=make_programme(name="Building the Centre together"),
        venue=venue,
    )
    add_agenda(session)
    page.set_viewport_size(PHONE)
    page.goto(session.get_absolute_url())

    button = page.get_by_role("button", name="Sign up", exact=True)
    facts = page.locator("#key-access-facts")
    box, button_box = facts.bounding_box(), button.bounding_box()
    assert box is not None and button_box is not None
    assert box["y"] < PHONE["height"], f"the access facts start {box['y']}px down, below the first screen"
    assert abs(button_box["y"] - (box["y"] + box["height"])) < 120  # directly above the button
    text = facts.inner_text()
    for label in KEY_FACTS:
        assert label in text
    assert "No" in text and "Two flights of stairs and no lift" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    assert facts.bounding_box()["y"] < 800
    axe(page)


def test_the_confirmation_says_what_the_venue_lacks_and_passes_axe_on_a_phone(page, axe):
    venue = make_venue(step_free="no", step_free_note="Two flights of stairs and no lift")
    session = make_session(title="Planning the Centre", venue=venue)
    page.set_viewport_size(PHONE)
    page.goto(f"/sessions/{session.pk}/sign-up/")
    page.fill("#id_name", "Ruth")
    page.fill("#id_email", "ruth@example.org")
    page.check('input[name=access_needs][value="step_free"]')
    page.check("#id_access_consent")
    page.click("form[action$='/sign-up/'] button[type=submit]")
    page.wait_for_url("**/signed-up/**")
    banner = page.locator("#venue-fit")
    assert "The venue has no step-free route (Two flights of stairs and no lift)." in banner.inner_text()
    assert banner.bounding_box()["y"] < PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    axe(page)
