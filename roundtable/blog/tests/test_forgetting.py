"""What the blog forgets about a person: their replies stay, without their name or address."""

from __future__ import annotations

import pytest

from roundtable.blog.forgetting import forget_replies
from roundtable.blog.models import Comment
from roundtable.blog.tests.factories import make_post, make_reply
from roundtable.core.forgetting import FORGOTTEN_EMAIL, FORGOTTEN_NAME

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Rory Replier", "rory@example.org"


def test_their_replies_stay_in_the_conversation_under_a_name_that_is_nobodys(coordinator):
    post = make_post(coordinator)
    mine = make_reply(post, email=EMAIL, name=NAME, body="I was there.", status=Comment.Status.APPROVED)
    under_another_name = make_reply(post, email="RORY@example.org", name="R")
    answer = make_reply(post, email="kit@example.org", name="Kit", body=f"Hello {NAME}, and hello Rorys everywhere")

    assert forget_replies(0, EMAIL, NAME, None) == 3

    assert (
        Comment.objects.filter(pk__in=[mine.pk, under_another_name.pk])
        .filter(name=FORGOTTEN_NAME, email=FORGOTTEN_EMAIL)
        .count()
        == 2
    )
    assert Comment.objects.get(pk=mine.pk).body == "I was there."
    answer.refresh_from_db()
    assert (answer.name, answer.email, answer.body) == (
        "Kit",
        "kit@example.org",
        "Hello [removed], and hello Rorys everywhere",
    )
