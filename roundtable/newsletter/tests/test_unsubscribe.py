"""Unsubscribing: one click from the mail program's header alone (RFC 8058), no login, at once."""

import pytest
from django.core import mail
from django.test import Client

from roundtable.accounts.testing import make_coordinator
from roundtable.core.testing import run_tasks
from roundtable.newsletter.models import Subscriber, SubscriptionConsent
from roundtable.newsletter.services import issue_send_start
from roundtable.newsletter.tests.helpers import make_issue, make_subscriber, path_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received(settings):
    """An issue has gone out to one subscriber; returns the email they got."""
    settings.NEWSLETTER_SEND_RATE = 0
    make_subscriber("reader@example.org")
    make_subscriber("other@example.org")
    issue_send_start(issue=make_issue(), actor=make_coordinator())
    run_tasks()
    return next(m for m in mail.outbox if m.to == ["reader@example.org"])


def test_a_post_to_the_header_address_alone_unsubscribes_at_once(received):
    url = received.extra_headers["List-Unsubscribe"].strip("<>")
    # What a mail program sends: no cookies, no CSRF token, no login, just the RFC 8058 body.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        path_of(url), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    reader = Subscriber.objects.get(email="reader@example.org")
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    assert reader.unsubscribed_at is not None
    assert SubscriptionConsent.objects.filter(subscriber=reader, event="unsubscribed", source="one-click").exists()
    assert Subscriber.objects.get(email="other@example.org").status == Subscriber.Status.ACTIVE


def test_after_unsubscribing_the_next_issue_does_not_go_to_them(received):
    Client(enforce_csrf_checks=True).post(
        path_of(received.extra_headers["List-Unsubscribe"].strip("<>")),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    mail.outbox.clear()
    issue_send_start(issue=make_issue(subject="Next month"), actor=make_coordinator("second@example.org"))
    run_tasks()
    assert [m.to for m in mail.outbox] == [["other@example.org"]]


def test_opening_the_link_shows_a_button_and_changes_nothing(client, received):
    path = path_of(received.extra_headers["List-Unsubscribe"].strip("<>"))
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "reader@example.org" in html
    assert ">Unsubscribe</button>" in html
    assert Subscriber.objects.get(email="reader@example.org").status == Subscriber.Status.ACTIVE

    done = client.post(path, {"List-Unsubscribe": "One-Click", "from_page": "1"})
    assert done.status_code == 200
    assert "You have unsubscribed" in done.content.decode()
    assert SubscriptionConsent.objects.get(event="unsubscribed").source == "unsubscribe page"
    # Opening the link again just says so.
    assert "You have unsubscribed" in client.get(path).content.decode()


def test_the_visible_manage_link_in_the_email_is_the_same_private_link(received):
    url = received.extra_headers["List-Unsubscribe"].strip("<>")
    assert f"Unsubscribe or manage your subscription: {url}" in received.body


def test_a_made_up_unsubscribe_link_is_refused(client, received):
    response = Client(enforce_csrf_checks=True).post(
        "/newsletter/unsubscribe/made-up-token/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 404
    assert client.get("/newsletter/unsubscribe/made-up-token/").status_code == 404
    assert Subscriber.objects.filter(status=Subscriber.Status.UNSUBSCRIBED).count() == 0


def test_only_the_unsubscribe_address_skips_the_csrf_check(received):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/newsletter/confirm/made-up-token/").status_code == 403
