"""The coordinating team's newsletter pages: who may use them, the editor, preview, test, send, export."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from roundtable.accounts.testing import make_facilitator
from roundtable.cocreation.testing import make_session
from roundtable.core.models import AuditEntry
from roundtable.core.testing import run_tasks
from roundtable.newsletter.models import Delivery, Issue, Subscriber
from roundtable.newsletter.services import issue_send_start
from roundtable.newsletter.tests.helpers import make_issue, make_subscriber, make_subscribers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    # As in roundtable/newsletter/tests/conftest.py: the rate limit counts in the database cache,
    # which outlives each test's own data.
    from django.core.cache import cache

    cache.clear()


COORDINATOR_PAGES = [
    "/newsletter/coordinator/",
    "/newsletter/coordinator/subscribers/",
    "/newsletter/coordinator/subscribers/export.csv",
    "/newsletter/coordinator/issues/new/",
]


def test_strangers_are_sent_to_sign_in_and_facilitators_are_refused(client):
    issue = make_issue()
    for url in COORDINATOR_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"], url
    # Pages that name an issue do not even admit it exists.
    assert client.get(f"/newsletter/coordinator/issues/{issue.pk}/").status_code == 404
    assert client.post(f"/newsletter/coordinator/issues/{issue.pk}/send/").status_code == 404
    client.force_login(make_facilitator())
    for url in COORDINATOR_PAGES + [f"/newsletter/coordinator/issues/{issue.pk}/"]:
        assert client.get(url).status_code == 403, url
    assert not Delivery.objects.exists()


def test_writing_an_issue_then_previewing_it(coordinator_client):
    make_session(title="Planning the Centre's evaluation")
    response = coordinator_client.post(
        "/newsletter/coordinator/issues/new/",
        {"subject": "June news", "body_markdown": "## Thank you\n\nFor coming.", "include_sessions": "on"},
    )
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/newsletter/coordinator/issues/{issue.pk}/preview/"
    assert issue.include_sessions and not issue.include_posts
    preview = coordinator_client.get(response["Location"]).content.decode()
    assert '<h2 class="govuk-heading-m">Thank you</h2>' in preview
    assert "Planning the Centre&#x27;s evaluation" in preview
    assert AuditEntry.objects.filter(verb="newsletter.issue_created").exists()


def test_a_missing_subject_is_explained_next_to_the_field(coordinator_client):
    response = coordinator_client.post("/newsletter/coordinator/issues/new/", {"subject": "", "body_markdown": "Hi"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert 'href="#id_subject"' in page and "Enter a subject" in page
    assert not Issue.objects.exists()


def test_recent_blog_posts_can_be_pulled_in(coordinator_client):
    from roundtable.blog.models import Post

    Post.objects.create(
        title="What the sculptures told us",
        slug="sculptures",
        summary="Play-Doh and big ideas.",
        body_markdown="x",
        status=Post.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(days=3),
    )
    Post.objects.create(
        title="A draft",
        slug="draft",
        summary="Not yet.",
        body_markdown="x",
        status=Post.Status.DRAFT,
    )
    issue = make_issue(include_posts=True)
    preview = coordinator_client.get(f"/newsletter/coordinator/issues/{issue.pk}/preview/").content.decode()
    assert "What the sculptures told us" in preview
    assert "/blog/posts/sculptures/" in preview
    assert "A draft" not in preview


def test_a_test_copy_goes_only_to_the_coordinator(coordinator_client, coordinator):
    make_subscribers(3)
    issue = make_issue(subject="July news")
    response = coordinator_client.post(f"/newsletter/coordinator/issues/{issue.pk}/test/")
    assert response.status_code == 302
    run_tasks()
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject == "[Test] July news"
    assert "THIS IS A TEST" in message.body
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert not Delivery.objects.exists()


def test_sending_asks_for_confirmation_first(coordinator_client):
    make_subscribers(4)
    make_subscriber(status=Subscriber.Status.PENDING)
    issue = make_issue()
    page = coordinator_client.get(f"/newsletter/coordinator/issues/{issue.pk}/send/")
    assert page.status_code == 200
    assert "to 4 subscribers?" in page.content.decode()
    assert not Delivery.objects.exists()
    response = coordinator_client.post(f"/newsletter/coordinator/issues/{issue.pk}/send/")
    assert response.status_code == 302
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.PENDING).count() == 4
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING and issue.content_html
    assert AuditEntry.objects.filter(verb="newsletter.send_started", data__recipients=4).exists()


def test_sending_to_nobody_is_refused_with_a_reason(coordinator_client):
    issue = make_issue()
    response = coordinator_client.post(f"/newsletter/coordinator/issues/{issue.pk}/send/")
    assert response.status_code == 409
    assert "nobody to send it to" in response.content.decode()
    assert "<title>Error: " in response.content.decode()


def test_a_sent_issue_cannot_be_edited(coordinator_client, coordinator):
    make_subscriber()
    issue = make_issue(subject="Fixed")
    issue_send_start(issue=issue, actor=coordinator)
    response = coordinator_client.post(
        f"/newsletter/coordinator/issues/{issue.pk}/edit/", {"subject": "Changed", "body_markdown": "x"}
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.subject == "Fixed"


def test_the_issue_page_shows_progress_without_javascript(coordinator_client, coordinator, settings):
    settings.NEWSLETTER_SEND_RATE = 0
    make_subscribers(4)
    issue = make_issue()
    issue_send_start(issue=issue, actor=coordinator)
    page = coordinator_client.get(f"/newsletter/coordinator/issues/{issue.pk}/").content.decode()
    assert '<progress id="send-progress" max="4" value="0">0%</progress>' in page
    assert "Refresh to see the latest progress" in page
    run_tasks()
    page = coordinator_client.get(f"/newsletter/coordinator/issues/{issue.pk}/").content.decode()
    assert '<progress id="send-progress" max="4" value="4">100%</progress>' in page
    assert "Sent: 4" in page


@pytest.mark.parametrize("count", [3, 60])
def test_the_subscriber_list_costs_the_same_however_many_there_are(
    coordinator_client, django_assert_num_queries, count
):
    make_subscribers(count)
    coordinator_client.get("/newsletter/coordinator/subscribers/")  # warm the session
    with django_assert_num_queries(5):
        response = coordinator_client.get("/newsletter/coordinator/subscribers/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 40])
def test_the_issue_list_costs_the_same_however_many_there_are(coordinator_client, django_assert_num_queries, count):
    for n in range(count):
        make_issue(subject=f"Issue {n}")
    coordinator_client.get("/newsletter/coordinator/")
    with django_assert_num_queries(5):
        coordinator_client.get("/newsletter/coordinator/")


def test_the_export_is_safe_to_open_in_a_spreadsheet(coordinator_client):
    make_subscriber("plain@example.org", name="Plain Name")
    make_subscriber("formula@example.org", name='=HYPERLINK("http://evil.example","click")')
    make_subscriber("plus@example.org", name="+44 1234", status=Subscriber.Status.PENDING)
    make_subscriber("at@example.org", name="@SUM(A1)", status=Subscriber.Status.UNSUBSCRIBED)
    make_subscriber("minus@example.org", name="-2+3")
    response = coordinator_client.get("/newsletter/coordinator/subscribers/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Email", "Name", "Status", "Signed up", "Confirmed", "Unsubscribed"]
    names = {row[0]: row[1] for row in rows[1:]}
    assert names["plain@example.org"] == "Plain Name"
    assert names["formula@example.org"].startswith("'=")
    assert names["plus@example.org"] == "'+44 1234"
    assert names["at@example.org"] == "'@SUM(A1)"
    assert names["minus@example.org"] == "'-2+3"
    assert {row[2] for row in rows[1:]} == {"active", "pending", "unsubscribed"}
    assert AuditEntry.objects.filter(verb="newsletter.subscribers_exported").exists()
