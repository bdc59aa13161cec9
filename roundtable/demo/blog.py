"""Demo blog content: published posts (one with generated images), a scheduled post, a draft,
and replies in every moderation state. Called by the seed_demo command; safe to run again."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import NotRequired, TypedDict

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from roundtable.accounts.models import User
from roundtable.blog import services
from roundtable.blog.models import Comment, Post

DEMO_AUTHOR_EMAIL = "coordinator@example.org"


class DemoPost(TypedDict):
    slug: str
    title: str
    summary: str
    body: str
    tags: NotRequired[list[str]]
    days_ago: NotRequired[int]
    # (alt text, caption, colour)
    images: NotRequired[list[tuple[str, str, tuple[int, int, int]]]]


POSTS: list[DemoPost] = [
    {
        "slug": "what-is-a-co-creation-session-like",
        "title": "What is a co-creation session like?",
        "summary": "First we get to know each other a bit. Then we work together creatively, with a break "
        "for a brew and a snack. No job titles, and no experience needed.",
        "tags": ["co-creation", "getting started"],
        "days_ago": 40,
        "body": (
            "We have been developing the Centre in what we call our **co-creation sessions** since 2017, "
            "and we would love you to join in. Everyone is welcome.\n\n"
            "## What happens in a session?\n\n"
            "First we get to know each other a bit: who you are as a person and what you are interested in. "
            "Everyone's voice is equally important, so no job titles please!\n\n"
            "- Someone shares where we got to in earlier sessions\n"
            "- We go through the goals for the day\n"
            "- We work together creatively (Play-Doh is sometimes involved)\n"
            "- We take a break for a brew and a snack\n\n"
            "## Who comes?\n\n"
            "Patients, carers, researchers, students and community members. About 30 people, some brand new "
            "and some who have been coming for a while."
        ),
    },
    {
        "slug": "radiating-questions-what-we-made-in-september",
        "title": "Radiating questions: what we made in September",
        "summary": "Lego, Play-Doh and a lot of sticky notes. Here is what the group built, and the three "
        "decisions we took together.",
        "tags": ["co-creation", "outputs"],
        "days_ago": 12,
        "images": [
            (
                "A Play-Doh question mark with squiggly lines pointing outwards, labelled Radiating Questions",
                "Radiating Questions, made by the whole table",
                (214, 96, 34),
            ),
            (
                "Sticky notes grouped into four themes on a wall: access, money, time and trust",
                "The four themes we found",
                (40, 110, 160),
            ),
        ],
        "body": (
            "Thirty-one of us met at the Community Hall. Eleven people came for the first time.\n\n"
            "{image0}\n\n"
            "## What we decided\n\n"
            "1. Every session has a quiet room, not just the big ones\n"
            "2. We pay people for their time on the day, in cash or voucher, their choice\n"
            "3. The next session is about how we know we are making a difference\n\n"
            "{image1}\n\n"
            "Read more about [co-production from NIHR](https://www.learningforinvolvement.org.uk/)."
        ),
    },
    {
        "slug": "you-said-we-did-quiet-rooms",
        "title": "You said, we did: quiet rooms",
        "summary": "In September you asked for a quiet room at every session. From November, there is one.",
        "tags": ["you said, we did", "access"],
        "days_ago": 3,
        "body": (
            "You told us the big sessions can be a lot. From November every session, large or small, "
            "has a quiet room with soft light and no music.\n\n"
            "> It made the difference between coming and not coming.\n\n"
            "If something else would help you take part, tell us when you sign up."
        ),
    },
]

SCHEDULED: DemoPost = {
    "slug": "coming-up-measuring-what-matters",
    "title": "Coming up: measuring what matters",
    "summary": "What our next session is about, and how to get ready for it.",
    "body": "Next month we decide together what success looks like.",
}
DRAFT: DemoPost = {
    "slug": "draft-notes-from-the-planning-meeting",
    "title": "Notes from the planning meeting (draft)",
    "summary": "Not ready yet.",
    "body": "To do: add photos once everyone in them has agreed.",
}

REPLIES = [
    # (post index, name, email, body, status)
    (0, "Marcia", "marcia@example.org", "I came to my first one in June and felt welcome straight away.", "approved"),
    (1, "Marcia", "marcia@example.org", "Love the question mark! See https://example.org/photos for more.", "approved"),
    (1, "Dev", "dev@example.org", "Is the quiet room step-free too?", "pending"),
    (1, "Totally real", "offers@example.com", "Cheap pills at http://spam.example", "rejected"),
    (2, "Ade", "ade@example.org", "Thank you for listening. This matters.", "pending"),
]


def _demo_image(colour: tuple[int, int, int], label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (1200, 800), colour)
    draw = ImageDraw.Draw(image)
    for n in range(12):
        draw.ellipse((60 + n * 90, 300 + (n % 3) * 60, 140 + n * 90, 380 + (n % 3) * 60), fill=(255, 255, 255))
    draw.text((60, 60), label[:60], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")


def _author() -> User:
    author = (
        User.objects.filter(email=DEMO_AUTHOR_EMAIL).first()
        or User.objects.filter(role=User.Role.COORDINATOR, is_active=True).order_by("id").first()
    )
    if author is None:
        author = User.objects.create_user(
            email=DEMO_AUTHOR_EMAIL, password=None, name="Sam", role=User.Role.COORDINATOR
        )
    return author


@transaction.atomic
def seed_blog() -> dict[str, int]:
    author = _author()
    now = timezone.now()
    posts: list[Post] = []
    for spec in POSTS:
        post = Post.objects.filter(slug=spec["slug"]).first()
        if post is None:
            post = services.post_create(
                author=author,
                title=spec["title"],
                summary=spec["summary"],
                body_markdown=spec["body"],
                tags=spec["tags"],
                status=Post.Status.PUBLISHED,
            )
            Post.objects.filter(pk=post.pk).update(slug=spec["slug"])
            post.slug = spec["slug"]
            body = spec["body"]
            for n, (alt, caption, colour) in enumerate(spec.get("images", [])):
                image = services.image_add(
                    post=post, actor=author, upload=_demo_image(colour, caption), alt_text=alt, caption=caption
                )
                body = body.replace(f"{{image{n}}}", image.markdown)
            Post.objects.filter(pk=post.pk).update(body_markdown=body)
        # Keep the demo's dates relative to today, so the month archives and digests have content.
        Post.objects.filter(pk=post.pk).update(publish_at=now - timedelta(days=spec["days_ago"]))
        posts.append(post)

    for spec, status, publish_at in [
        (SCHEDULED, Post.Status.SCHEDULED, now + timedelta(days=5)),
        (DRAFT, Post.Status.DRAFT, None),
    ]:
        if not Post.objects.filter(slug=spec["slug"]).exists():
            post = services.post_create(
                author=author,
                title=spec["title"],
                summary=spec["summary"],
                body_markdown=spec["body"],
                status=status,
                publish_at=publish_at,
            )
            Post.objects.filter(pk=post.pk).update(slug=spec["slug"])
        elif status == Post.Status.SCHEDULED:
            Post.objects.filter(slug=spec["slug"]).update(publish_at=publish_at)

    # Replies are written directly (not through comment_submit) so the demo emails nobody.
    for index, name, email, body, reply_status in REPLIES:
        Comment.objects.get_or_create(
            post=posts[index],
            email=email,
            body=body,
            defaults={
                "name": name,
                "status": reply_status,
                "moderated_at": now if reply_status != "pending" else None,
                "moderated_by": author if reply_status != "pending" else None,
            },
        )
    return {"posts": Post.objects.count(), "comments": Comment.objects.count()}
