"""The newsletter in a real browser (Chromium): every page passes axe-core (WCAG 2.2 AA), the
journeys work without JavaScript and at 320px wide."""

from __future__ import annotations

import pytest
from django.core import mail

from roundtable.accounts.testing import sign_in_browser
from roundtable.core.testing import run_tasks
from roundtable.newsletter.models import Issue, Subscriber
from roundtable.newsletter.services import issue_send_start
from roundtable.newsletter.tests.helpers import link_in, make_issue, make_subscriber, make_subscribers, path_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    settings.NEWSLETTER_SEND_RATE = 0


def _fits_320(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_signing_up_and_confirming_passes_axe_at_every_step(page, axe):
    page.goto("/newsletter/")
    assert page.locator("h1").inner_text() == "Sign up for our newsletter"
    assert page.locator("#footer-newsletter-email").count() == 0  # no second form on this page
    axe(page)

    page.get_by_role("button", name="Sign up for the newsletter").click()
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter your email address" in page.locator("#id_email-error").inner_text()
    axe(page)

    page.get_by_label("Email address").fill("new.reader@example.org")
    page.get_by_label("Your name (optional)").fill("Nia")
    page.get_by_role("button", name="Sign up for the newsletter").click()
    assert page.locator("h1").inner_text() == "Check your email"
    axe(page)

    run_tasks()
    [message] = mail.outbox
    page.goto(path_of(link_in(message.body, "/newsletter/confirm/")))
    assert page.locator("h1").inner_text() == "Confirm your subscription"
    axe(page)
    page.get_by_role("button", name="Yes, send me the newsletter").click()
    assert page.locator("h1").inner_text() == "You are subscribed"
    axe(page)
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE


def test_the_footer_form_on_the_home_page_works_by_keyboard_and_passes_axe(page, axe):
    page.goto("/")
    axe(page)
    page.locator("#footer-newsletter-email").focus()
    page.keyboard.type("keyboard@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Kai")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Check your email"
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.name, subscriber.status) == ("keyboard@example.org", "Kai", "pending")


def test_sign_up_works_without_javascript_and_at_320_pixels(page_without_js):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/newsletter/")
    assert _fits_320(page)
    page.get_by_role("button", name="Sign up for the newsletter").click()
    assert _fits_320(page)
    page.get_by_label("Email address").fill("nojs@example.org")
    page.get_by_role("button", name="Sign up for the newsletter").click()
    assert page.locator("h1").inner_text() == "Check your email"
    assert Subscriber.objects.filter(email="nojs@example.org").exists()


def test_unsubscribe_page_and_archive_pass_axe(page, axe, coordinator):
    make_subscriber("reader@example.org")
    issue = make_issue(
        subject="September update", body_markdown="## You said, we did\n\n- Quieter rooms\n- Agendas sent early"
    )
    issue_send_start(issue=issue, actor=coordinator)
    run_tasks()
    [message] = mail.outbox

    page.goto(path_of(message.extra_headers["List-Unsubscribe"].strip("<>")))
    assert page.locator("h1").inner_text() == "Your newsletter subscription"
    axe(page)
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("h1").inner_text() == "You have unsubscribed"
    axe(page)
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED

    page.goto("/newsletter/archive/")
    axe(page)
    page.get_by_role("link", name="September update").click()
    assert page.locator("h1").inner_text() == "September update"
    assert page.locator("main h2").first.inner_text() == "You said, we did"
    axe(page)

    page.goto("/newsletter/confirm/not-a-real-link/")
    assert page.locator("h1").inner_text() == "This link is not working"
    axe(page)


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
