"""The blog in a real browser (Chromium): axe-core finds no WCAG 2.2 AA problems, and the reply
form works by keyboard alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.blog.models import Comment, Post
from roundtable.blog.tests.factories import add_image, make_post, make_reply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_story_post(coordinator):
    """A published post with an image, a link, a list and an approved reply (the team's pages use it
    too, in roundtable/workspace/tests/test_blog_browser.py)."""
    post = make_post(coordinator, title="What we learned in September", tags=["co-production", "access"])
    image = add_image(post, coordinator, alt_text="Sticky notes grouped into themes on a wall", caption="Our themes")
    post.body_markdown = (
        "## What happened\n\nWe met at the Community Hall.\n\n"
        f"{image.markdown}\n\n- We agreed three aims\n- We chose [a venue](https://example.org)\n"
    )
    post.save()
    make_reply(post, status=Comment.Status.APPROVED, name="Jo", body="Great session, see https://example.org")
    return post


@pytest.fixture
def post(coordinator):
    return make_story_post(coordinator)


def test_blog_list_has_no_axe_violations(page, axe, post, coordinator):
    for n in range(11):
        make_post(coordinator, title=f"Older post {n}", days_ago=2 + n)
    page.goto(reverse("blog:list"))
    assert page.locator("h1").inner_text() == "Blog"
    assert page.get_by_role("link", name="What we learned in September").is_visible()
    assert page.get_by_role("navigation", name="Site menu").get_by_role("link", name="Blog").is_visible()
    axe(page)


def test_post_page_has_no_axe_violations_and_shows_the_image_with_alt_text(page, axe, post):
    page.goto(post.get_absolute_url())
    assert page.locator("h1").count() == 1
    image = page.get_by_role("img", name="Sticky notes grouped into themes on a wall")
    assert image.is_visible()
    assert image.evaluate("img => img.naturalWidth") > 0  # really served
    axe(page)


def test_comment_form_with_errors_has_no_axe_violations(page, axe, post):
    page.goto(post.get_absolute_url())
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter your name" in summary.inner_text()
    axe(page)
    summary.get_by_role("link", name="Enter your reply").click()
    assert page.evaluate("document.activeElement.id") == "id_comment"


def test_reply_form_works_by_keyboard_alone(page, post):
    page.goto(post.get_absolute_url())
    page.locator("#leave-a-reply").scroll_into_view_if_needed()
    page.focus("#id_name")  # from here on, only the keyboard
    page.keyboard.type("Robin")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.keyboard.type("robin@example.org")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_comment"
    page.keyboard.type("Typed with the keyboard only.")
    page.keyboard.press("Tab")
    # The honeypot is skipped: the next stop is the button.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send reply"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "will appear once a coordinator has checked it" in page.locator(".govuk-notification-banner").inner_text()
    comment = Comment.objects.get(name="Robin")
    assert comment.status == Comment.Status.PENDING and comment.email == "robin@example.org"


def test_keyboard_user_reaches_the_form_from_the_top_of_the_page(page, post):
    page.goto(post.get_absolute_url())
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_name":
            break
    else:
        pytest.fail("Tabbing through the page never reached the name field")


def test_digest_pages_have_no_axe_violations(page, axe, post):
    when = timezone.localtime(post.publish_at)
    page.goto(reverse("blog:digest_choose"))
    axe(page)
    page.goto(reverse("blog:month_digest_pdf", args=[when.year, when.month]))
    assert page.locator("h1").inner_text() == "Your PDF is being prepared"
    assert page.get_by_role("button", name="Check again").is_visible()
    axe(page)
    page.goto(reverse("blog:month_digest_print", args=[when.year, when.month]))
    assert page.get_by_role("img", name="Sticky notes grouped into themes on a wall").is_visible()
    axe(page)
    page.goto(reverse("blog:month", args=[when.year, when.month]))
    axe(page)
    page.goto(reverse("blog:tag", args=["access"]))
    axe(page)


def test_blog_works_at_320px_without_sideways_scrolling(browser, live_server, post):
    make_reply(post, name="Someone with a very long name indeed", body="https://example.org/" + "a" * 120)
    when = timezone.localtime(post.publish_at)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    small = context.new_page()
    try:
        urls = [
            reverse("blog:list"),
            post.get_absolute_url(),
            reverse("blog:digest_choose"),
            reverse("blog:month_digest_print", args=[when.year, when.month]),
        ]
        for url in urls:
            small.goto(url)
            assert small.evaluate("document.documentElement.scrollWidth <= 320"), url
    finally:
        context.close()


def test_scheduled_post_is_not_in_the_browser_until_due(page, coordinator):
    make_post(
        coordinator,
        status=Post.Status.SCHEDULED,
        title="Tomorrow's news",
        publish_at=timezone.now() + timedelta(days=1),
    )
    page.goto(reverse("blog:list"))
    assert "Tomorrow's news" not in page.content()


def test_waiting_page_says_when_the_pdf_is_ready_without_a_reload(page, post):
    from roundtable.core.testing import run_tasks

    when = timezone.localtime(post.publish_at)
    page.goto(reverse("blog:month_digest_pdf", args=[when.year, when.month]))
    assert page.locator("h1").inner_text() == "Your PDF is being prepared"
    assert page.locator("#digest-watching").is_visible()
    assert page.locator("#digest-wait").inner_text().startswith("about ")
    run_tasks()
    status = page.locator("#digest-status")
    status.get_by_role("link", name="Download the PDF").wait_for(timeout=15000)
    assert status.get_attribute("aria-live") == "polite"
    assert "Your PDF is ready" in status.inner_text()
    # The page has changed by itself: heading, title and button say it is ready.
    assert page.locator("h1").inner_text() == "Your PDF is ready"
    assert page.title().startswith("Your PDF is ready")
    assert page.get_by_role("button", name="Download the PDF").is_visible()
    assert not page.locator("#digest-watching").is_visible()
