"""The newsletter in a real browser (Chromium): every page passes axe-core (WCAG 2.2 AA), the
journeys work without JavaScript and at 320px wide."""

from __future__ import annotations

import pytest
from django.core import mail

from roundtable.core.testing import run_tasks
from roundtable.newsletter.models import Subscriber
from roundtable.newsletter.services import issue_send_start
from roundtable.newsletter.tests.helpers import link_in, make_issue, make_subscriber, path_of

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


def test_the_emailed_newsletter_keeps_its_bullet_points_and_numbers(page):
    """The email's own stylesheet once removed every list's bullets (the rule for plain lists of
    sessions also caught the lists people write in the newsletter's text)."""
    from roundtable.newsletter.sending import render_for_sending

    issue = make_issue(body_markdown="Hello.\n\n- We listened\n- We changed things\n\n1. First\n2. Second")
    issue.content_html, issue.content_text = _rendered(issue)
    page.set_content(render_for_sending(issue).html)
    styles = page.evaluate(
        """() => [...document.querySelectorAll('ul, ol')].map(l => [l.textContent.trim().split('\\n')[0].trim(),
            getComputedStyle(l).listStyleType])"""
    )
    assert ["We listened", "disc"] in styles, styles
    assert ["First", "decimal"] in styles, styles


def _rendered(issue):
    from roundtable.newsletter.rendering import issue_content

    content = issue_content(issue)
    return content.html, content.text
