"""The team's newsletter pages in a real browser (Chromium): the editor, preview, send and progress
pass axe-core (WCAG 2.2 AA), and the progress page works without JavaScript at 320px wide."""

from __future__ import annotations

import pytest

from roundtable.accounts.testing import sign_in_browser
from roundtable.core.testing import run_tasks
from roundtable.newsletter.models import Issue
from roundtable.newsletter.services import issue_send_start
from roundtable.newsletter.tests.helpers import make_issue, make_subscribers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    # As in roundtable/newsletter/tests/conftest.py: the rate limit counts in the database cache,
    # which outlives each test's own data.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    settings.NEWSLETTER_SEND_RATE = 0


def _fits_320(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_coordinator_editor_preview_and_send_pass_axe(page, axe, live_server, coordinator):
    make_subscribers(3)
    sign_in_browser(page, live_server, coordinator)
    page.goto("/newsletter/coordinator/")
    axe(page)
    page.get_by_role("button", name="Write a new issue").click()
    assert page.locator("h1").inner_text() == "Write a new issue"
    axe(page)

    page.get_by_role("button", name="Save and preview").click()
    assert page.title().startswith("Error: ")
    axe(page)

    page.get_by_label("Subject").fill("October news")
    page.get_by_label("The issue").fill("## Thank you\n\nFor a brilliant session.\n\n<script>alert(1)</script>")
    page.get_by_label("Recent blog posts").check()
    page.get_by_role("button", name="Save and preview").click()
    assert page.locator("h1").inner_text() == "October news"
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()  # shown, not run
    axe(page)

    page.get_by_role("button", name="Send to 3 subscribers").click()
    assert "Send “October news” to 3 subscribers?" in page.locator("h1").inner_text()
    axe(page)
    page.get_by_role("button", name="Yes, send it now").click()
    assert page.locator("#send-progress").get_attribute("max") == "3"
    assert page.locator("#send-progress").get_attribute("value") == "0"
    axe(page)

    run_tasks()
    page.get_by_role("link", name="Refresh to see the latest progress").click()
    assert page.locator("#send-progress").get_attribute("value") == "3"
    assert Issue.objects.get().status == Issue.Status.SENT
    axe(page)

    page.goto("/newsletter/coordinator/subscribers/")
    axe(page)


def test_progress_page_works_without_javascript_at_320_pixels(page_without_js, live_server, coordinator):
    page = page_without_js
    make_subscribers(2)
    issue = make_issue(subject="A rather long subject line for a newsletter about co-creation sessions")
    issue_send_start(issue=issue, actor=coordinator)
    sign_in_browser(page, live_server, coordinator)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/newsletter/coordinator/issues/{issue.pk}/")
    assert "Emails handled: 0 of 2" in page.locator("main").inner_text()
    assert _fits_320(page)
    run_tasks()
    page.get_by_role("link", name="Refresh to see the latest progress").click()
    assert "Emails handled: 2 of 2 (100%)" in page.locator("main").inner_text()
