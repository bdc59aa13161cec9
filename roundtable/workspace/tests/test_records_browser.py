"""The team's record forms in a real browser (Chromium): axe-core finds no WCAG 2.2 AA problems,
and errors are reached from the summary by keyboard."""

from __future__ import annotations

import pytest

from roundtable.accounts.testing import sign_in_browser
from roundtable.records.tests.factories import image_bytes
from roundtable.records.tests.test_browser import make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(coordinator):
    return make_story(coordinator)


def test_coordinator_record_forms_have_no_axe_violations(page, axe, story, coordinator, live_server, tmp_path):
    sign_in_browser(page, live_server, coordinator)
    session = story["session"]

    page.goto(f"/coordinator/sessions/{session.pk}/record/")
    assert page.locator("h1").inner_text() == "Record: Clay and conversation"
    axe(page)

    # A photo: first refused (a text file called .jpg, no alt text), then added.
    page.goto(f"/coordinator/sessions/{session.pk}/record/add/photo/")
    axe(page)
    fake = tmp_path / "notes.jpg"
    fake.write_text("not a photo at all")
    page.set_input_files("#id_upload", str(fake))
    page.fill("#id_caption", "Our wall of ideas")
    page.get_by_label("No one can be identified").check()
    page.get_by_role("button", name="Save").click()
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_text("The selected file must be a photo saved as JPG, PNG or WebP").count() >= 1
    assert page.get_by_text("Enter alt text: what the photo shows").count() >= 1
    axe(page)
    photo = tmp_path / "wall.png"
    photo.write_bytes(image_bytes("PNG"))
    page.set_input_files("#id_upload", str(photo))
    page.fill("#id_alt_text", "A blue square, standing in for our wall of ideas")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/coordinator/sessions/{session.pk}/record/#outputs")
    assert page.get_by_text("Added “Our wall of ideas”.").is_visible()

    # A decision with errors, by keyboard.
    page.goto(f"/coordinator/sessions/{session.pk}/record/decisions/add/")
    axe(page)
    page.get_by_label("Votes counted").fill("a lot")
    page.get_by_label("Carer").fill("many")
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert page.get_by_text("Enter what was decided").count() >= 1
    axe(page)

    # An action that is not being done, without a reason.
    page.goto(f"/coordinator/decisions/{story['decision'].pk}/actions/add/")
    axe(page)
    page.fill("#id_title", "Run sessions at weekends")
    page.get_by_role("radio", name="Not doing").check()
    page.fill("#id_due_day", "31")
    page.fill("#id_due_month", "2")
    page.fill("#id_due_year", "2031")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Say why the team is not doing this").count() >= 1
    assert page.get_by_text("The due date must be a real date").count() >= 1
    axe(page)
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_due_day"

    for url in (
        f"/coordinator/sessions/{story['upcoming'].pk}/story-so-far/",
        "/coordinator/records/",
        "/coordinator/records/actions/",
        f"/coordinator/outputs/{story['outputs'][0].pk}/delete/",
    ):
        page.goto(url)
        axe(page)
