"""The team's blog editor: writing, publishing and scheduling a post, errors by the fields, and
only coordinators reach the editor and the reply queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.accounts.testing import make_facilitator
from roundtable.blog.models import Post
from roundtable.blog.tests.factories import make_post
from roundtable.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_coordinator_writes_a_draft_then_publishes_it(coordinator_client, coordinator):
    response = coordinator_client.post(
        reverse("blog:manage_create"),
        {
            "title": "Our first post",
            "summary": "Hello",
            "body_markdown": "Hi **all**",
            "tags": "news, Access",
            "status": "draft",
        },
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("blog:manage_edit", args=[post.pk])
    assert post.status == "draft" and post.publish_at is None and post.author == coordinator
    assert sorted(t.name for t in post.tags.all()) == ["Access", "news"]

    coordinator_client.post(
        reverse("blog:manage_edit", args=[post.pk]),
        {"title": "Our first post", "summary": "Hello", "body_markdown": "Hi", "tags": "", "status": "published"},
    )
    post.refresh_from_db()
    assert post.status == "published" and post.is_public
    assert AuditEntry.objects.filter(verb="blog.post_updated", target_id=str(post.pk)).exists()


def test_republishing_keeps_the_original_date_and_address(coordinator_client, coordinator):
    post = make_post(coordinator, title="Stays put", days_ago=30)
    first_date, slug = post.publish_at, post.slug
    coordinator_client.post(
        reverse("blog:manage_edit", args=[post.pk]),
        {"title": "A new title", "summary": "s", "body_markdown": "b", "status": "published"},
    )
    post.refresh_from_db()
    assert post.publish_at == first_date and post.slug == slug and post.title == "A new title"


def test_editor_shows_errors_next_to_fields_and_in_a_summary(coordinator_client):
    response = coordinator_client.post(
        reverse("blog:manage_create"),
        {
            "title": "",
            "summary": "",
            "body_markdown": "",
            "status": "scheduled",
            "publish_day": "31",
            "publish_month": "2",
            "publish_year": "2030",
            "publish_time": "10:00",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert 'class="govuk-error-summary"' in page
    for message in ("Enter a title", "Enter a summary", "Enter the post", "The publish date must be a real date"):
        assert page.count(message) == 2, message  # once in the summary, once by the field
    assert Post.objects.count() == 0


def test_scheduling_needs_a_future_time(coordinator_client):
    past = timezone.localtime() - timedelta(days=1)
    data = {"title": "t", "summary": "s", "body_markdown": "b", "status": "scheduled"}
    response = coordinator_client.post(
        reverse("blog:manage_create"),
        {
            **data,
            "publish_day": past.day,
            "publish_month": past.month,
            "publish_year": past.year,
            "publish_time": "09:00",
        },
    )
    assert response.status_code == 400 and "must be in the future" in response.content.decode()
    future = timezone.localtime() + timedelta(days=3)
    response = coordinator_client.post(
        reverse("blog:manage_create"),
        {
            **data,
            "publish_day": future.day,
            "publish_month": future.month,
            "publish_year": future.year,
            "publish_time": "09:30",
        },
    )
    post = Post.objects.get()
    assert post.status == "scheduled" and timezone.localtime(post.publish_at).strftime("%H:%M") == "09:30"
    assert not post.is_public


def test_only_coordinators_reach_the_editor_and_queue(client, coordinator):
    post = make_post(coordinator)
    assert client.get(reverse("blog:manage_list"))["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("blog:moderation"))["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("blog:manage_edit", args=[post.pk])).status_code == 404
    client.force_login(make_facilitator())
    assert client.get(reverse("blog:manage_list")).status_code == 403
    assert client.get(reverse("blog:moderation")).status_code == 403
    assert client.post(reverse("blog:manage_create"), {"title": "x"}).status_code == 403
