"""The team's blog pages in a real browser (Chromium): axe-core finds no WCAG 2.2 AA problems in
the editor, the image upload, the reply queue and the list of posts, and they fit 320px."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.testing import sign_in_browser
from roundtable.blog.models import Comment
from roundtable.blog.tests.factories import make_reply
from roundtable.blog.tests.test_browser import make_story_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def post(coordinator):
    return make_story_post(coordinator)


def test_coordinator_editor_has_no_axe_violations_with_and_without_errors(page, axe, live_server, coordinator, post):
    sign_in_browser(page, live_server, coordinator)
    page.goto(reverse("blog:manage_edit", args=[post.pk]))
    assert page.locator("h1").inner_text() == "Edit the post"
    axe(page)
    page.fill("#id_title", "")
    page.get_by_label("Scheduled: it appears on the date and time you choose").check()
    page.fill("#id_publish_day", "31")
    page.fill("#id_publish_month", "2")
    page.fill("#id_publish_year", str(timezone.now().year + 1))
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert page.locator("#id_publish_day").is_visible()  # the schedule fields are always there, no reveal needed
    axe(page)
    page.goto(reverse("blog:manage_create"))
    axe(page)
    page.goto(reverse("blog:manage_image_add", args=[post.pk]))
    page.get_by_role("button", name="Upload the image").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    axe(page)


def test_moderation_queue_has_no_axe_violations_and_approving_works(page, axe, live_server, coordinator, post):
    make_reply(post, name="New person", body="My first reply <script>alert(1)</script>", email="new@example.org")
    make_reply(post, name="Rejected person", body="Spam", status=Comment.Status.REJECTED, email="x@example.org")
    sign_in_browser(page, live_server, coordinator)
    page.goto(reverse("blog:moderation"))
    axe(page)
    page.get_by_role("button", name="Approve reply from New person").click()
    page.wait_for_load_state()
    assert "is approved" in page.locator(".govuk-notification-banner").inner_text()
    assert Comment.objects.get(name="New person").status == Comment.Status.APPROVED
    axe(page)
    page.goto(reverse("blog:manage_list"))
    axe(page)


def test_team_blog_pages_work_at_320px_without_sideways_scrolling(browser, live_server, post, coordinator):
    make_reply(post, name="Someone with a very long name indeed", body="https://example.org/" + "a" * 120)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    small = context.new_page()
    try:
        sign_in_browser(small, live_server, coordinator)
        for url in (
            reverse("blog:manage_edit", args=[post.pk]),
            reverse("blog:moderation"),
            reverse("blog:manage_list"),
        ):
            small.goto(url)
            assert small.evaluate("document.documentElement.scrollWidth <= 320"), url
    finally:
        context.close()
