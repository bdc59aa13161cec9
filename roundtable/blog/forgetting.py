"""How the blog forgets a person (see core/forgetting.py). Replies are not linked to a Person:
they are found by the email address the person gave."""

from __future__ import annotations

from roundtable.blog.models import Comment
from roundtable.core.forgetting import FORGOTTEN_EMAIL, FORGOTTEN_NAME, forgetter, scrub_rows


@forgetter("blog", order=40)
def forget_replies(person_id: int, email: str, name: str, actor) -> int:
    """Their replies stay (a conversation keeps its shape) under "Someone who asked to be
    forgotten", with a reserved-domain address; their name or email in anyone's reply is replaced."""
    touched = 0
    if email.strip():
        touched += Comment.objects.filter(email__iexact=email.strip()).update(
            name=FORGOTTEN_NAME, email=FORGOTTEN_EMAIL
        )
    touched += scrub_rows(
        Comment.objects.all(), ["name"], email=email, name=name, replacement=FORGOTTEN_NAME, whole=True
    )
    touched += scrub_rows(Comment.objects.all(), ["body"], email=email, name=name)
    return touched
