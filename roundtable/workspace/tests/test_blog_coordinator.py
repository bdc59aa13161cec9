"""The team's blog pages: the reply queue (approve, reject, delete), the list of posts and the
preview of a draft."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.blog.models import Comment, Post
from roundtable.blog.tests.factories import make_post, make_reply
from roundtable.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(coordinator):
    return make_post(coordinator, title="Our September session")


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_coordinator_approves_rejects_and_deletes_from_the_queue(coordinator_client, post, coordinator):
    good = make_reply(post, name="Good", body="Helpful")
    bad = make_reply(post, name="Spammy", body="Buy now", email="spam@example.org")
    gone = make_reply(post, name="Oops", body="Posted twice", email="oops@example.org")

    queue = coordinator_client.get(reverse("blog:moderation")).content.decode()
    assert "Helpful" in queue and "Buy now" in queue and "spam@example.org" in queue

    coordinator_client.post(reverse("blog:comment_moderate", args=[good.pk]), {"decision": "approve"})
    coordinator_client.post(reverse("blog:comment_moderate", args=[bad.pk]), {"decision": "reject"})
    confirm = coordinator_client.get(reverse("blog:comment_delete", args=[gone.pk]))
    assert "cannot be undone" in confirm.content.decode()
    assert Comment.objects.filter(pk=gone.pk).exists()  # looking at the question deletes nothing
    coordinator_client.post(reverse("blog:comment_delete", args=[gone.pk]))

    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == "approved" and good.moderated_by == coordinator
    assert bad.status == "rejected"
    assert not Comment.objects.filter(pk=gone.pk).exists()
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"blog.comment_approved", "blog.comment_rejected", "blog.comment_deleted"} <= verbs

    page = Client().get(post.get_absolute_url()).content.decode()
    assert "Helpful" in page and "Buy now" not in page and "Posted twice" not in page
    queue = coordinator_client.get(reverse("blog:moderation")).content.decode()
    assert "There are no replies waiting." in queue


def test_moderation_queue_costs_the_same_queries_for_any_number_of_replies(
    coordinator_client, post, coordinator, django_assert_num_queries
):
    make_reply(post, name="One")
    make_reply(post, name="Two", status="approved", email="two@example.org")
    few = queries_for(coordinator_client, reverse("blog:moderation"))
    for n in range(15):
        make_reply(post, name=f"Pending {n}", email=f"p{n}@example.org")
        make_reply(post, name=f"Done {n}", email=f"d{n}@example.org", status="rejected", moderated_by=coordinator)
    with django_assert_num_queries(few):
        coordinator_client.get(reverse("blog:moderation"))


def test_coordinator_post_list_costs_the_same_queries_for_any_number_of_posts(
    coordinator_client, coordinator, django_assert_num_queries
):
    make_post(coordinator)
    few = queries_for(coordinator_client, reverse("blog:manage_list"))
    for _ in range(10):
        make_post(coordinator, status=Post.Status.DRAFT)
    with django_assert_num_queries(few):
        page = coordinator_client.get(reverse("blog:manage_list"))
    assert page.content.decode().count("govuk-tag--grey") == 10


def test_draft_is_invisible_to_the_public_but_a_coordinator_can_preview_it(coordinator, coordinator_client):
    client = Client()  # a member of the public, beside the signed-in coordinator
    post = make_post(coordinator, status=Post.Status.DRAFT, title="Half written")
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get(reverse("blog:manage_preview", args=[post.pk])).status_code == 404  # hides that it exists
    response = coordinator_client.get(reverse("blog:manage_preview", args=[post.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Half written" in page and "It is a draft" in page
