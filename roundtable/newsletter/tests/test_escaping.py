"""Script typed into an issue is never run or rendered as HTML: not in pages, not in emails."""

import re

import pytest
from django.core import mail

from roundtable.accounts.testing import make_coordinator
from roundtable.cocreation.testing import make_session
from roundtable.core.testing import run_tasks
from roundtable.newsletter.rendering import markdown_to_html
from roundtable.newsletter.services import issue_send_start
from roundtable.newsletter.tests.helpers import html_part, make_issue, make_subscriber

pytestmark = pytest.mark.django_db(transaction=True)

SUBJECT = "<script>alert('subject')</script> News"
BODY = """Hello <script>alert('body')</script>

<img src=x onerror="alert('img')">

<iframe src="https://evil.example"></iframe>

[a trap](javascript:alert('link')) and [a real link](https://example.org)

<a href="https://example.org" onclick="alert('click')">inline html link</a>
"""


def assert_no_live_script(html: str) -> None:
    assert "<script>alert" not in html
    assert not re.search(r"<img[^>]*onerror", html)
    assert "<iframe" not in html
    assert 'href="javascript:' not in html
    assert not re.search(r"<a[^>]*onclick", html)


def test_markdown_shows_html_as_typed_and_keeps_safe_links():
    html = markdown_to_html(BODY)
    assert_no_live_script(html)
    assert "&lt;script&gt;alert('body')&lt;/script&gt;" in html or "&lt;script&gt;alert(&#x27;body&#x27;)" in html
    assert '<a href="https://example.org" class="govuk-link" rel="noopener noreferrer">a real link</a>' in html


def test_script_in_an_issue_is_inert_in_every_page_and_email(client, coordinator_client, settings):
    settings.NEWSLETTER_SEND_RATE = 0
    make_session(title="<script>alert('session')</script> Planning day")
    make_subscriber("reader@example.org")
    issue = make_issue(subject=SUBJECT, body_markdown=BODY, include_sessions=True)

    pages = [
        coordinator_client.get(f"/newsletter/coordinator/issues/{issue.pk}/preview/"),
        coordinator_client.get(f"/newsletter/coordinator/issues/{issue.pk}/"),
        coordinator_client.get("/newsletter/coordinator/"),
    ]
    coordinator_client.post(f"/newsletter/coordinator/issues/{issue.pk}/test/")
    issue_send_start(issue=issue, actor=make_coordinator("sender@example.org"))
    run_tasks()
    pages += [client.get("/newsletter/archive/"), client.get(f"/newsletter/archive/{issue.pk}/")]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert_no_live_script(html)
        assert "&lt;script&gt;alert(" in html

    assert len(mail.outbox) == 2  # the test copy and the real one
    for message in mail.outbox:
        html = html_part(message)
        assert_no_live_script(html)
        assert "&lt;script&gt;alert(" in html
        assert "Planning day" in html
        # The plain-text part is never read as HTML; it shows what was typed.
        assert "<script>alert('body')</script>" in message.body
