"""Reads for the blog's pages, shared by the public post page and the team's preview."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from roundtable.blog.forms import CommentForm
from roundtable.blog.models import Post


def post_page_context(post: Post, form: CommentForm, *, preview: bool = False) -> dict[str, Any]:
    """What a post's page shows: the post, its approved replies and the reply form. The public page
    and the team's preview of a draft render the same template with it."""
    replies = list(post.comments.visible().only("name", "body", "created_at", "post_id"))
    return {
        "post": post,
        "body_html": post.body_html(),
        "replies": replies,
        "form": form,
        "preview": preview,
        "og_image": post.images.all()[0] if post.images.all() else None,
        "absolute_url": settings.SITE_URL + post.get_absolute_url(),
    }
