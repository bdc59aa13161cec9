"""The menu on a phone, and the team's menu: what a new participant or coordinator first meets."""

from __future__ import annotations

import pytest

from roundtable.accounts.testing import make_coordinator, make_facilitator, sign_in_browser
from roundtable.cocreation.testing import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_menu_folds_behind_a_menu_button(page, axe):
    make_session(status="published")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    menu = page.get_by_role("button", name="Menu")
    sessions_link = page.get_by_role("navigation", name="Site menu").get_by_role("link", name="Past sessions")
    assert menu.is_visible()
    assert not sessions_link.is_visible()
    # The first screen is the page, not the menu: the heading is in view without scrolling.
    assert page.locator("h1").bounding_box()["y"] < 300
    axe(page)

    menu.focus()
    page.keyboard.press("Enter")
    assert sessions_link.is_visible()
    assert menu.get_attribute("aria-expanded") == "true"
    axe(page)


def test_without_javascript_the_menu_is_simply_listed(page_without_js):
    make_session(status="published")
    page_without_js.set_viewport_size({"width": 360, "height": 740})
    page_without_js.goto("/")
    assert not page_without_js.get_by_role("button", name="Menu").is_visible()
    nav = page_without_js.get_by_role("navigation", name="Site menu")
    assert nav.get_by_role("link", name="Past sessions").is_visible()


def test_on_a_desktop_there_is_no_menu_button(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.get_by_role("navigation", name="Site menu").get_by_role("link", name="Past sessions").is_visible()


def test_sign_up_uses_the_standard_size_checkboxes(page):
    session = make_session(status="published")
    page.goto(f"/sessions/{session.pk}/sign-up/")
    assert page.locator(".govuk-checkboxes").count() > 0
    assert page.locator(".govuk-checkboxes--small, .govuk-radios--small").count() == 0
    box = page.locator(".govuk-checkboxes__label").first.evaluate("(el) => getComputedStyle(el, '::before').width")
    assert box == "40px"  # GOV.UK Frontend's standard checkbox (the small one is 24px)


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/coordinator/records/", "Records"),
        ("/coordinator/records/actions/", "Records"),
        ("/evaluation/dashboard/", "Evaluation"),
        ("/blog/manage/", "Blog"),
        ("/newsletter/coordinator/", "Newsletter"),
        ("/coordinator/", "Your sessions"),
    ],
)
def test_the_teams_menu_reaches_every_part_of_the_workspace(page, live_server, path, section, axe):
    sign_in_browser(page, live_server, make_coordinator())
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(path)
    nav = page.get_by_role("navigation", name="Site menu")
    for name in ("Your sessions", "Records", "Evaluation", "Blog", "Newsletter", "Emails", "Audit log"):
        assert nav.get_by_role("link", name=name, exact=True).is_visible(), name
    current = nav.locator(".govuk-service-navigation__item--active")
    assert current.count() == 1
    assert current.inner_text().strip() == section
    axe(page)


def test_a_facilitator_sees_only_their_sessions_in_the_menu(page, live_server):
    sign_in_browser(page, live_server, make_facilitator())
    page.goto("/coordinator/")
    nav = page.get_by_role("navigation", name="Site menu")
    assert nav.get_by_role("link", name="Your sessions").is_visible()
    assert nav.get_by_role("link", name="Records", exact=True).count() == 0
