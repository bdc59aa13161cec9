"""Replies: moderation of first-timers, the honeypot and rate limit, the queue, and the emails."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from roundtable.accounts.testing import make_coordinator
from roundtable.blog.models import Comment, Post
from roundtable.blog.tests.factories import make_post, make_reply
from roundtable.blog.tests.test_posts import assert_no_script, elements
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('reply')</script> <b onmouseover=alert(1)>hi</b>"


def reply(client, post, **fields):
    data = {"name": "Jo", "email": "jo@example.org", "comment": "I was there too.", "website": ""}
    data.update(fields)
    return client.post(post.get_absolute_url(), data)


@pytest.fixture
def post(coordinator):
    return make_post(coordinator, title="Our September session")


def test_first_reply_waits_for_moderation_and_later_ones_appear_at_once(client, post, coordinator):
    response = reply(client, post, comment="My first reply")
    assert response.status_code == 302
    first = Comment.objects.get()
    assert first.status == Comment.Status.PENDING
    page = client.get(post.get_absolute_url()).content.decode()
    assert "will appear once a coordinator has checked it" in page
    assert "My first reply" not in page

    # Still waiting: a second reply from the same address also waits.
    reply(client, post, comment="Second, before approval")
    assert Comment.objects.filter(status="pending").count() == 2

    Client().force_login(coordinator)
    staff = Client()
    staff.force_login(coordinator)
    staff.post(reverse("blog:comment_moderate", args=[first.pk]), {"decision": "approve"})

    reply(client, post, email="JO@example.org ", comment="Now I am known")
    latest = Comment.objects.latest("id")
    assert latest.status == Comment.Status.APPROVED
    page = client.get(post.get_absolute_url()).content.decode()
    assert "My first reply" in page and "Now I am known" in page
    assert "Second, before approval" not in page


def test_commenters_email_is_never_shown_on_the_post(client, post):
    make_reply(post, email="private@example.org", status="approved", name="Sam")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Sam" in page and "private@example.org" not in page


def test_honeypot_stops_a_bot_without_telling_it(client, post):
    response = reply(client, post, website="http://spam.example")
    assert response.status_code == 302
    assert Comment.objects.count() == 0
    assert len(mail.outbox) == 0


def test_rate_limit_stops_a_flood_of_replies(client, post, settings):
    settings.BLOG_COMMENT_RATE_LIMIT = (3, 3600)
    for n in range(3):
        assert reply(client, post, comment=f"Reply {n}").status_code == 302
    response = reply(client, post, comment="One too many")
    assert response.status_code == 429
    page = response.content.decode()
    assert "<title>Error: " in page and "several replies in a short time" in page
    assert Comment.objects.count() == 3


def test_reply_with_missing_fields_shows_errors_and_keeps_what_was_typed(client, post):
    response = reply(client, post, name="", email="not-an-email", comment="Keep me")
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert page.count("Enter your name") == 2
    assert page.count("Enter an email address in the correct format") == 2
    assert "Keep me" in page
    assert Comment.objects.count() == 0


def test_replies_are_closed_on_drafts(coordinator):
    draft = make_post(coordinator, status=Post.Status.DRAFT)
    response = reply(Client(), draft)
    assert response.status_code == 404
    assert Comment.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_script_in_a_reply_is_plain_text_on_the_page_in_the_queue_and_in_emails(client, coordinator, post):
    make_coordinator(email="second@example.org", name="Ali")
    reply(client, post, name="<script>x()</script>", comment=SCRIPT + "\nSee https://example.org/page.")
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status="approved")

    page = client.get(post.get_absolute_url()).content.decode()
    assert_no_script(page)
    assert "&lt;script&gt;alert(" in page and "&lt;b onmouseover=alert(1)&gt;hi&lt;/b&gt;" in page
    links = [a for tag, a in elements(page) if tag == "a" and a.get("href") == "https://example.org/page"]
    assert links and links[0]["rel"] == "nofollow ugc noopener"

    staff = Client()
    staff.force_login(coordinator)
    queue = staff.get(reverse("blog:moderation")).content.decode()
    assert_no_script(queue)

    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["coordinator@example.org", "second@example.org"]
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert_no_script(html)
    assert "&lt;script&gt;alert(&#x27;reply&#x27;)&lt;/script&gt;" in html
    assert "<script>alert('reply')</script>" in message.body  # text/plain: shown as typed
    # The text part is plain text: what was typed, as typed, never interpreted.
    assert "<script>alert('reply')</script>" in message.body
    assert "Our September session" in message.subject
    assert reverse("blog:moderation") in message.body


@pytest.mark.django_db(transaction=True)
def test_coordinators_are_emailed_about_each_new_reply(client, post):
    reply(client, post)
    run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordinator@example.org"]
    assert message.subject == 'A reply is waiting for you to check on "Our September session"'
    assert "waiting for a coordinator" in message.body
    assert "waiting for a coordinator" in message.alternatives[0][0]


def test_a_rejected_commenter_still_waits_for_moderation(client, post):
    make_reply(post, email="jo@example.org", status="rejected")
    reply(client, post)
    assert Comment.objects.latest("id").status == "pending"


@pytest.mark.django_db(transaction=True)
def test_email_for_a_reply_deleted_before_sending_is_dropped(client, post, coordinator):
    reply(client, post)
    Comment.objects.all().delete()
    run_tasks()
    assert mail.outbox == []
