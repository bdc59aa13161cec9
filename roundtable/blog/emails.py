"""Context builders for blog emails: they run in the worker when the email is sent."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from roundtable.blog.models import Comment
from roundtable.core.email import EmailNoLongerNeeded, context_builder


@context_builder("blog_new_comment")
def blog_new_comment(context: dict) -> dict:
    comment = Comment.objects.select_related("post").filter(pk=context.get("comment_id", 0)).first()
    if comment is None:
        raise EmailNoLongerNeeded("the comment was deleted before the email went")
    return {
        "comment": comment,
        "post": comment.post,
        "waiting": comment.status == Comment.Status.PENDING,
        "post_url": settings.SITE_URL + comment.post.get_absolute_url() + "#replies",
        "queue_url": settings.SITE_URL + reverse("blog:moderation"),
    }
