"""Small helpers for the blog's tests: posts in each state, real images, replies."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from roundtable.blog import services
from roundtable.blog.models import Comment, Post

_n = itertools.count(1)


def make_post(author, *, status: str = Post.Status.PUBLISHED, days_ago: float = 1, **fields) -> Post:
    n = next(_n)
    fields.setdefault("title", f"What we learned, part {n}")
    fields.setdefault("summary", "A short summary of what happened.")
    fields.setdefault("body_markdown", "We met, we talked, we **decided** things together.")
    fields.setdefault("tags", ["co-production"])
    post = services.post_create(author=author, status=status, **fields)
    if status == Post.Status.PUBLISHED and days_ago:
        Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - timedelta(days=days_ago))
        post.refresh_from_db()
    return post


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0131] = "Where-I-live GPS tool"  # Software
        image.save(out, fmt, exif=data.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


def upload(name: str = "photo.jpg", data: bytes | None = None, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else image_bytes(), content_type=content_type)


def add_image(post: Post, actor, alt_text: str = "Six people around a table covered in sticky notes", **kw):
    return services.image_add(post=post, actor=actor, upload=upload(), alt_text=alt_text, **kw)


def make_reply(post: Post, *, email: str = "reader@example.org", status: str = Comment.Status.PENDING, **fields):
    fields.setdefault("name", "Reader")
    fields.setdefault("body", "Thank you for this.")
    return Comment.objects.create(post=post, email=email, status=status, **fields)
